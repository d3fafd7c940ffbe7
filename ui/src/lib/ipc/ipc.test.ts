// @vitest-environment happy-dom
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import { ipc, IpcError, type Settings } from './index';

const settings: Settings = {
  ui: { language: 'ar', theme: 'dark' },
  sync: { interval_secs: 30, reconcile_every_secs: 600, messages_per_lead: 30 },
  log: { keep_files: 14 },
  odoo: { transport: 'auto' },
  notifications: {
    enabled: true,
    scope: 'mine_and_unassigned',
    whatsapp_by: 'source',
    whatsapp_name: 'WhatsApp',
    summary_above: 3,
    new_leads: true,
    assigned_to_me: true,
    conflicts: true,
    failed_pushes: true,
    whatsapp_messages: true,
    do_not_disturb: false,
    quiet_from: '',
    quiet_to: '',
    keep_in_tray: true,
  },
};

afterEach(() => clearMocks());

describe('ipc facade', () => {
  it('passes arguments under the names Rust expects and returns the value', async () => {
    let received: unknown;
    mockIPC((cmd, args) => {
      if (cmd === 'save_settings') {
        received = args;
        return (args as { settings: Settings }).settings;
      }
    });
    await expect(ipc.saveSettings(settings)).resolves.toEqual(settings);
    expect(received, 'the command argument is named `settings` in Rust').toEqual({ settings });
  });

  it('asks for the stats of a period by ISO dates and passes a refused period on', async () => {
    let received: unknown;
    mockIPC((cmd, args) => {
      if (cmd === 'pipeline_stats') {
        received = args;
        const { from, to } = args as { from: string; to: string };
        if (to <= from) throw { kind: 'validation', message: 'The period must end after it starts.' };
        return { won: 2, lost: 1, winRate: 2 / 3, asOf: '2026-11-26 10:00:00' };
      }
    });
    const stats = await ipc.pipelineStats('2026-11-01', '2026-12-01');
    expect(received, 'Rust names the arguments from and to').toEqual({
      from: '2026-11-01',
      to: '2026-12-01',
    });
    expect(stats.winRate).toBeCloseTo(0.667, 3);
    const refused = await ipc.pipelineStats('2026-12-01', '2026-11-01').catch((e: unknown) => e);
    expect((refused as IpcError).kind, 'a backwards period is a validation error').toBe('validation');
  });

  it('turns a Rust CommandError into an IpcError with its kind', async () => {
    mockIPC(() => {
      throw { kind: 'validation', message: 'sync.interval_secs: must be between 5 and 86400' };
    });
    const failure = await ipc.saveSettings(settings).catch((e: unknown) => e);
    expect(failure, 'the UI switches on kind, so it must survive the trip').toBeInstanceOf(IpcError);
    expect((failure as IpcError).kind).toBe('validation');
    expect((failure as IpcError).message).toContain('interval_secs');
  });

  it('reports a transport failure as an internal error, not a crash', async () => {
    mockIPC(() => {
      throw new Error('command get_settings not found');
    });
    const failure = await ipc.getSettings().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(IpcError);
    expect((failure as IpcError).kind).toBe('internal');
  });

  it('sends an edit under the names Rust expects, omitting unchanged fields', async () => {
    let received: unknown;
    mockIPC((cmd, args) => {
      if (cmd === 'edit_lead') {
        received = args;
        return { id: 7, name: 'Ahmed', pending: 1, conflict: false };
      }
    });
    const lead = await ipc.editLead(7, { op: 'update', stageId: 2, priority: 3 });
    expect(received, 'id and a tagged edit; absent fields stay absent').toEqual({
      id: 7,
      edit: { op: 'update', stageId: 2, priority: 3 },
    });
    expect(lead.pending, 'the lead comes back as the rep now sees it').toBe(1);
  });

  it('reports an unreachable Odoo as offline when adding an account', async () => {
    mockIPC((cmd, args) => {
      expect(cmd).toBe('add_account');
      expect(args).toMatchObject({ url: 'https://acme.odoo.com', database: 'acme', login: 'sara' });
      throw { kind: 'offline', message: 'Odoo at https://acme.odoo.com cannot be reached' };
    });
    const failure = await ipc
      .addAccount('https://acme.odoo.com', 'acme', 'sara', 'k3y')
      .catch((e: unknown) => e);
    expect((failure as IpcError).kind, 'the form shows what to check').toBe('offline');
  });

  it('resolves a conflict on one field', async () => {
    let received: unknown;
    mockIPC((cmd, args) => {
      if (cmd === 'resolve_conflict') received = args;
      return null;
    });
    await ipc.resolveConflict(12, 'theirs', 'stage');
    expect(received).toEqual({ id: 12, keep: 'theirs', field: 'stage' });
  });
});
