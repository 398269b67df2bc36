/** Debian's Chromium, or the one $CHROMIUM_PATH names: its path when it is there, else null. */
export function systemChromium(): string | null;
