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

/** Serve every response with `csp` and refuse every permission, asked for or merely checked. */
export function lockDownSession(session: LockableSession, csp: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
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
