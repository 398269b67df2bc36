// Electron main: the shell (app.ts) over the real Electron. Everything else lives in src/engine.
import { app, BrowserWindow, dialog, Menu, Notification, screen, session, shell } from 'electron';
import { contentSecurityPolicy } from '../shared/csp.ts';
import { runApp } from './app.ts';

const CSP = contentSecurityPolicy();

runApp(
  { app, BrowserWindow, dialog, Menu, Notification, screen, session, shell },
  { csp: CSP, mainDir: import.meta.dirname, devServer: process.env.ELECTRON_RENDERER_URL },
);
