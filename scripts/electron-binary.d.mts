/** The Electron executable's path, or null when its binary is not installed. */
export function electronBinary(): string | null;
