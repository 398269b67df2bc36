import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from './csp.ts';

describe('the one Content-Security-Policy', () => {
  it('allows only the app itself, plus the sockets it is given', () => {
    expect(contentSecurityPolicy()).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(contentSecurityPolicy(['ws://127.0.0.1:7328', 'ws://localhost:7328'])).toContain(
      "connect-src 'self' ws://127.0.0.1:7328 ws://localhost:7328;",
    );
  });

  it('leaves frame-ancestors out of a <meta> tag, which browsers would complain about', () => {
    expect(contentSecurityPolicy([], 'meta')).toBe(contentSecurityPolicy().replace("; frame-ancestors 'none'", ''));
  });
});
