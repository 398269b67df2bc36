// Electron main: the shell (app.ts) over the real Electron. Everything else lives in src/engine.
import { app, BrowserWindow, dialog, Menu, Notification, screen, session, shell } from 'electron';
import { runApp } from './app.ts';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

runApp(
  { app, BrowserWindow, dialog, Menu, Notification, screen, session, shell },
  { csp: CSP, mainDir: import.meta.dirname, devServer: process.env.ELECTRON_RENDERER_URL },
);
