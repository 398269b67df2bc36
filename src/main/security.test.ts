// The window's locks, checked on stand-ins for Electron's session and web contents.
import { describe, expect, it, vi } from 'vitest';
import { EXTERNAL_HOSTS, guardContents, isAllowedExternal, lockDownSession } from './security.ts';

describe('the session', () => {
  it('refuses every permission request and check, and serves the CSP', () => {
    let onHeaders: ((details: unknown, callback: (response: unknown) => void) => void) | undefined;
    let onRequest: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
    let onCheck: (() => boolean) | undefined;
    const session = {
      webRequest: { onHeadersReceived: (listener: typeof onHeaders) => (onHeaders = listener) },
      setPermissionRequestHandler: (handler: typeof onRequest) => (onRequest = handler),
      setPermissionCheckHandler: (handler: typeof onCheck) => (onCheck = handler),
    };
    lockDownSession(session as never, "default-src 'self'");
    const granted = vi.fn();
    onRequest!(null, 'media', granted);
    expect(granted).toHaveBeenCalledWith(false);
    expect(onCheck!()).toBe(false);
    const respond = vi.fn();
    onHeaders!({ responseHeaders: { 'X-Other': ['1'] } }, respond);
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
