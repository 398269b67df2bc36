// The window's locks, checked on stand-ins for Electron's session and web contents.
import { describe, expect, it, vi } from 'vitest';
import { EXTERNAL_HOSTS, guardContents, isAllowedExternal, lockDownSession } from './security.ts';

describe('the session', () => {
  const APP = 'file:///app/out/renderer/index.html';
  type Details = { requestingUrl?: string; mediaTypes?: string[]; mediaType?: string };

  function locked() {
    let onHeaders: ((details: unknown, callback: (response: unknown) => void) => void) | undefined;
    let onRequest: ((contents: unknown, permission: string, callback: (granted: boolean) => void, details?: Details) => void) | undefined;
    let onCheck: ((contents: unknown, permission: string, origin: string, details?: Details) => boolean) | undefined;
    const session = {
      webRequest: { onHeadersReceived: (listener: typeof onHeaders) => (onHeaders = listener) },
      setPermissionRequestHandler: (handler: typeof onRequest) => (onRequest = handler),
      setPermissionCheckHandler: (handler: typeof onCheck) => (onCheck = handler),
    };
    lockDownSession(session as never, "default-src 'self'", (url) => url === APP);
    const request = (permission: string, details?: Details) => {
      const granted = vi.fn();
      onRequest!(null, permission, granted, details);
      return granted.mock.calls[0][0] as boolean;
    };
    const check = (permission: string, details?: Details) => onCheck!(null, permission, 'file:///', details);
    return { request, check, onHeaders: onHeaders! };
  }

  it("grants the camera to the app's own page alone, video only; refuses every other permission and serves the CSP", () => {
    const { request, check, onHeaders } = locked();
    expect(request('media', { requestingUrl: APP, mediaTypes: ['video'] })).toBe(true);
    expect(check('media', { requestingUrl: APP, mediaType: 'video' })).toBe(true);
    // The microphone, another page, a request that names no media, and every other permission: refused.
    expect(request('media', { requestingUrl: APP, mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(request('media', { requestingUrl: APP, mediaTypes: [] })).toBe(false);
    expect(request('media', { requestingUrl: 'https://evil.example/', mediaTypes: ['video'] })).toBe(false);
    expect(check('media', { requestingUrl: APP, mediaType: 'audio' })).toBe(false);
    expect(check('media', { requestingUrl: 'https://evil.example/', mediaType: 'video' })).toBe(false);
    for (const permission of ['geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      expect(request(permission, { requestingUrl: APP })).toBe(false);
      expect(check(permission, { requestingUrl: APP })).toBe(false);
    }
    expect(request('media')).toBe(false);
    const onHeadersReceived = onHeaders;
    const respond = vi.fn();
    onHeadersReceived({ responseHeaders: { 'X-Other': ['1'] } }, respond);
    expect(respond).toHaveBeenCalledWith({ responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': ["default-src 'self'"] } });
  });
});

describe('web contents', () => {
  const APP = 'file:///app/out/renderer/index.html';
  function guarded() {
    const listeners = new Map<string, (event: { url: string; preventDefault(): void }) => void>();
    let openHandler: ((details: { url: string }) => { action: string }) | undefined;
    const contents = {
      on: (name: string, listener: never) => listeners.set(name, listener),
      setWindowOpenHandler: (h: typeof openHandler) => (openHandler = h),
    };
    const openExternal = vi.fn(async () => undefined);
    guardContents(contents as never, (url) => url === APP, openExternal);
    const fire = (name: string, url: string) => {
      const event = { url, preventDefault: vi.fn() };
      listeners.get(name)!(event);
      return event.preventDefault.mock.calls.length > 0;
    };
    return { fire, open: (url: string) => openHandler!({ url }), openExternal };
  }

  it.each(['will-navigate', 'will-redirect'])('%s: stays on the app page, refuses any other', (name) => {
    const { fire } = guarded();
    expect(fire(name, APP)).toBe(false);
    expect(fire(name, 'https://example.com/')).toBe(true);
    expect(fire(name, 'file:///etc/passwd')).toBe(true);
  });

  it('refuses webviews', () => {
    expect(guarded().fire('will-attach-webview', APP)).toBe(true);
  });

  it('denies every new window, handing only allowed links to the browser', () => {
    const { open, openExternal } = guarded();
    expect(open('https://github.com/tensorflow/tfjs')).toEqual({ action: 'deny' });
    expect(open('https://evil.example/')).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://github.com/tensorflow/tfjs']]);
  });
});

describe('the openExternal allow-list', () => {
  it('allows https on the listed hosts only', () => {
    expect(EXTERNAL_HOSTS).toContain('github.com');
    expect(isAllowedExternal('https://github.com/')).toBe(true);
    expect(isAllowedExternal('https://www.tensorflow.org/js')).toBe(true);
    for (const url of [
      'http://github.com/',
      'https://github.com.evil.example/',
      'https://user:pw@github.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://github.com/share',
      'not a url',
    ]) {
      expect(isAllowedExternal(url), url).toBe(false);
    }
  });
});
