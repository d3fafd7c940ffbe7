// The only door from the UI to Rust. Components import from `$lib/ipc`, never from
// `@tauri-apps/api` or the generated bindings (eslint enforces it), so that the whole IPC
// surface is here, typed, and easy to mock in tests.
import {
  commands,
  events,
  type CommandError,
  type EditRequest,
  type ErrorKind,
  type Keep,
  type ContactChannel,
  type LeadFilter,
  type ListSort,
  type NotificationsChanged,
  type OpenLead,
  type PipelineView,
  type Settings,
  type SyncStatus,
} from './bindings';

export type {
  AccountView,
  BoardView,
  ColumnView,
  ContactChannel,
  LeadFilter,
  LeadPage,
  ListSort,
  NamedView,
  NotificationCentre,
  NotificationSettings,
  NotificationView,
  NotifyScope,
  WhatsAppMatch,
  PipelineBasics,
  PipelineLayout,
  PipelineView,
  ScopeView,
  SortColumnView,
  StageView,
  StatusView,
  AppInfo,
  CommandError,
  ConflictView,
  EditRequest,
  Keep,
  LeadDetail,
  LeadView,
  MessageView,
  OutboxView,
  Phase,
  Progress,
  RefView,
  SalespersonMonthView,
  SourceWeekView,
  StageValueView,
  StatsView,
  SyncStatus,
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

  // Sync
  syncStatus: () => transport(() => commands.syncStatus()),
  syncNow: () => transport(() => commands.syncNow()),
  /** Calls `handler` on every sync status change (start, progress, end). */
  onSyncStatusChanged: (handler: (status: SyncStatus) => void) =>
    events.syncStatusChanged.listen((event) => handler(event.payload)),

  // Accounts (the API key goes to Rust once and is never returned)
  listAccounts: () => unwrap(commands.listAccounts()),
  addAccount: (url: string, database: string, login: string, apiKey: string) =>
    unwrap(commands.addAccount(url, database, login, apiKey)),
  removeAccount: (id: number) => unwrap(commands.removeAccount(id)),
  useAccount: (id: number) => unwrap(commands.useAccount(id)),

  // Pipeline: reads come from the cache, edits go through the outbox
  pipelineBasics: () => unwrap(commands.pipelineBasics()),
  /** The kanban for a filter: every column's totals and its first `perColumn` cards. */
  board: (filter: LeadFilter, perColumn: number) => unwrap(commands.board(filter, perColumn)),
  /** A page of the list (sorted) or of a kanban column (sort null). */
  leadPage: (filter: LeadFilter, sort: ListSort | null, offset: number, limit: number) =>
    unwrap(commands.leadPage(filter, sort, offset, limit)),
  pipelineView: () => unwrap(commands.pipelineView()),
  savePipelineView: (view: PipelineView) => unwrap(commands.savePipelineView(view)),
  /** Opens a WhatsApp chat, a call or an email to the lead's contact with the OS. */
  contactLead: (id: number, channel: ContactChannel) => unwrap(commands.contactLead(id, channel)),
  listLeads: (search: string | null = null, stageId: number | null = null) =>
    unwrap(commands.listLeads(search, stageId)),
  /** The Stats screen's numbers for [from, to) (ISO dates), from the cache. */
  pipelineStats: (from: string, to: string) => unwrap(commands.pipelineStats(from, to)),
  openLead: (id: number) => unwrap(commands.openLead(id)),
  editLead: (id: number, edit: EditRequest) => unwrap(commands.editLead(id, edit)),
  createLead: (
    name: string,
    fields: { phone?: string; email?: string; contactName?: string; stageId?: number } = {},
  ) =>
    unwrap(
      commands.createLead(
        name,
        fields.phone ?? null,
        fields.email ?? null,
        fields.contactName ?? null,
        fields.stageId ?? null,
      ),
    ),
  listChanges: () => unwrap(commands.listChanges()),
  retryChange: (id: number) => unwrap(commands.retryChange(id)),
  discardChange: (id: number) => unwrap(commands.discardChange(id)),
  resolveConflict: (id: number, keep: Keep, field: string | null = null) =>
    unwrap(commands.resolveConflict(id, keep, field)),

  // Notification centre
  listNotifications: () => unwrap(commands.listNotifications()),
  /** Marks one notification read, or all of them (no id). */
  markNotificationsRead: (id: number | null = null) => unwrap(commands.markNotificationsRead(id)),
  /** Calls `handler` with the unread count whenever the centre changes. */
  onNotificationsChanged: (handler: (changed: NotificationsChanged) => void) =>
    events.notificationsChanged.listen((event) => handler(event.payload)),
  /** Calls `handler` when a desktop notification was clicked (lead null: a summary). */
  onOpenLead: (handler: (open: OpenLead) => void) =>
    events.openLead.listen((event) => handler(event.payload)),
};
