// The only door from the UI to Rust. Components import from `$lib/ipc`, never from
// `@tauri-apps/api` or the generated bindings (eslint enforces it), so that the whole IPC
// surface is here, typed, and easy to mock in tests.
import { commands, events, type CommandError, type ErrorKind, type Settings } from './bindings';

export type {
  AppInfo,
  CommandError,
  DataDirSource,
  DatabaseNotice,
  ErrorKind,
  Language,
  LogSettings,
  OdooSettings,
  OdooTransport,
  Settings,
  SyncSettings,
  Theme,
  UiSettings,
} from './bindings';

/** A command failed. Switch on `kind`; `message` is for people, not for parsing. */
export class IpcError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string) {
    super(message);
    this.name = 'IpcError';
    this.kind = kind;
  }
}

type Result<T> = { status: 'ok'; data: T } | { status: 'error'; error: CommandError };

/** Turns a command's result union into a value or a thrown IpcError. */
async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch (e) {
    // Tauri itself failed (no such command, bad argument, not running inside the app).
    throw new IpcError('internal', e instanceof Error ? e.message : String(e));
  }
  if (result.status === 'error') throw new IpcError(result.error.kind, result.error.message);
  return result.data;
}

/** Wraps a command that cannot fail in Rust but can still fail in transport. */
async function transport<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw new IpcError('internal', e instanceof Error ? e.message : String(e));
  }
}

export const ipc = {
  appInfo: () => unwrap(commands.appInfo()),
  getSettings: () => transport(() => commands.getSettings()),
  saveSettings: (settings: Settings) => unwrap(commands.saveSettings(settings)),
  reportFirstPaint: () => transport(() => commands.reportFirstPaint()),
  /** Calls `handler` whenever settings are saved; returns the unsubscribe function. */
  onSettingsChanged: (handler: (settings: Settings) => void) =>
    events.settingsChanged.listen((event) => handler(event.payload)),
};
