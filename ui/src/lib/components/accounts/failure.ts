import type { MessageKey } from '$lib/i18n/en';
import { IpcError, type ErrorKind } from '$lib/ipc';

/** Where a failure happened: the advice differs for the same kind. */
export type FailureContext =
  /** Adding an account (the connection test). */
  | 'connect'
  /** Switching to or removing an account. */
  | 'manage'
  /** The last background sync of an account. */
  | 'sync';

export type FailureIcon = 'offline' | 'key' | 'edit' | 'search' | 'alert';

/** What to show next to Rust's sentence: an icon for the kind and what to check. */
export type FailureAdvice = { kind: ErrorKind; icon: FailureIcon; hint: MessageKey };

const icons: Record<ErrorKind, FailureIcon> = {
  offline: 'offline',
  auth: 'key',
  validation: 'edit',
  not_found: 'search',
  conflict: 'alert',
  internal: 'alert',
};

const hints: Record<FailureContext, Record<ErrorKind, MessageKey>> = {
  connect: {
    offline: 'settings.account.hint.offline',
    auth: 'settings.account.hint.auth',
    validation: 'settings.account.hint.validation',
    not_found: 'settings.account.hint.notFound',
    conflict: 'settings.account.hint.retry',
    internal: 'settings.account.hint.internal',
  },
  manage: {
    offline: 'settings.account.hint.retry',
    auth: 'settings.account.hint.retry',
    validation: 'settings.account.hint.retry',
    not_found: 'settings.account.hint.gone',
    conflict: 'settings.account.hint.retry',
    internal: 'settings.account.hint.internal',
  },
  sync: {
    offline: 'settings.account.hint.syncOffline',
    auth: 'settings.account.hint.syncAuth',
    validation: 'settings.account.hint.internal',
    not_found: 'settings.account.hint.internal',
    conflict: 'settings.account.hint.internal',
    internal: 'settings.account.hint.internal',
  },
};

const kinds = Object.keys(icons) as ErrorKind[];

/** A kind as Rust spells it; the sync status carries it as a plain string. */
export function asKind(kind: string | null | undefined): ErrorKind {
  return kinds.find((k) => k === kind) ?? 'internal';
}

/** The icon and the hint for a failure of `kind` in `context`. */
export function adviceFor(kind: string | null | undefined, context: FailureContext): FailureAdvice {
  const known = asKind(kind);
  return { kind: known, icon: icons[known], hint: hints[context][known] };
}

/** Anything a call threw, as an IpcError (a non-IPC throw is a bug: internal). */
export function asIpcError(e: unknown): IpcError {
  if (e instanceof IpcError) return e;
  return new IpcError('internal', e instanceof Error ? e.message : String(e));
}
