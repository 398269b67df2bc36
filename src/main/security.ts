// The window's locks (its web preferences are in window.ts): a session that grants nothing, and web contents that never
// navigate away, open windows or attach webviews. Links open in the user's browser only for known hosts.
import type { Session, WebContents } from 'electron';

/** The only hosts a link may open on (https only, in the user's browser): the project's home and docs. */
export const EXTERNAL_HOSTS: readonly string[] = ['github.com', 'www.tensorflow.org', 'js.tensorflow.org'];

/** Whether `url` may be handed to the user's browser: https, no credentials, a host on EXTERNAL_HOSTS. */
export function isAllowedExternal(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' && !parsed.username && !parsed.password && EXTERNAL_HOSTS.includes(parsed.hostname);
}

type LockableSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> & {
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
};

/**
 * Serve every response with `csp` and refuse every permission, asked for or merely checked, but one: the camera
 * (video alone, never the microphone) for the app's own page, which reads written numbers from it.
 */
export function lockDownSession(session: LockableSession, csp: string, isAppUrl: (url: string) => boolean): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  const cameraForApp = (permission: string, url: string | undefined, media: readonly string[] | undefined) =>
    permission === 'media' && url !== undefined && isAppUrl(url) && media !== undefined && media.length > 0 && media.every((m) => m === 'video');
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(cameraForApp(permission, details?.requestingUrl, (details as { mediaTypes?: string[] } | undefined)?.mediaTypes)),
  );
  session.setPermissionCheckHandler((_contents, permission, _origin, details) =>
    cameraForApp(permission, details?.requestingUrl, details?.mediaType ? [details.mediaType] : undefined),
  );
}

type GuardableContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/** Keep `contents` on the app's own page: navigation, redirects, webviews and new windows are refused. */
export function guardContents(contents: GuardableContents, isAppUrl: (url: string) => boolean, openExternal: (url: string) => Promise<void>): void {
  const stayHome = (event: { url: string; preventDefault(): void }) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternal(url)) void openExternal(url);
    return { action: 'deny' };
  });
}
