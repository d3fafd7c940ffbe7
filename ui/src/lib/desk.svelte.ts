import { i18n } from '$lib/i18n/index.svelte';
import { ipc, IpcError, type AppInfo, type Settings, type Theme } from '$lib/ipc';

/** Applies the theme setting: "system" leaves it to prefers-color-scheme in CSS. */
function applyTheme(theme: Theme) {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

/** What the whole shell needs: app info, settings, and how loading them went. */
export class Desk {
  info = $state<AppInfo | null>(null);
  settings = $state<Settings | null>(null);
  loadError = $state<IpcError | null>(null);

  async load() {
    this.loadError = null;
    try {
      const [info, settings] = await Promise.all([ipc.appInfo(), ipc.getSettings()]);
      this.info = info;
      this.apply(settings);
    } catch (e) {
      this.loadError = e instanceof IpcError ? e : new IpcError('internal', String(e));
    }
  }

  apply(settings: Settings) {
    this.settings = settings;
    i18n.apply(settings.ui.language);
    applyTheme(settings.ui.theme);
  }

  /** Saves and applies; throws IpcError (kind "validation" names the field). */
  async save(settings: Settings) {
    const saved = await ipc.saveSettings(settings);
    this.apply(saved);
    if (this.info) this.info.settingsProblem = null;
  }
}

export const desk = new Desk();
