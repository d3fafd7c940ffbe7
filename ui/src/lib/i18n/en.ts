// English strings. Keys are grouped by screen; `ar.ts` must translate every one (the type
// checker enforces it).
export const en = {
  'app.name': 'CRM Desk',
  'nav.main': 'Main navigation',
  'nav.pipeline': 'Pipeline',
  'nav.notifications': 'Notifications',
  'nav.stats': 'Stats',
  'nav.settings': 'Settings',
  'nav.about': 'About',

  'pipeline.title': 'Pipeline',
  'pipeline.empty.title': 'No Odoo account connected yet',
  'pipeline.empty.body':
    'Connect your Odoo account in Settings. Your leads and stages will then be kept on this computer, so you can work them even offline.',
  'pipeline.empty.action': 'Open Settings',

  'notifications.title': 'Notifications',
  'notifications.empty.title': 'You are all caught up',
  'notifications.empty.body':
    'New WhatsApp leads, assignments and sync problems will be listed here, and raised as desktop notifications.',

  'stats.title': 'Stats',
  'stats.empty.title': 'No numbers yet',
  'stats.empty.body':
    'Conversion rate, pipeline value by stage, leads by source and won revenue appear here after the first sync.',

  'settings.title': 'Settings',
  'settings.appearance': 'Appearance',
  'settings.language': 'Language',
  'settings.language.system': 'Same as the system',
  'settings.theme': 'Theme',
  'settings.theme.system': 'System',
  'settings.theme.light': 'Light',
  'settings.theme.dark': 'Dark',
  'settings.sync': 'Sync',
  'settings.sync.interval': 'Sync every',
  'settings.sync.interval.hint':
    'Seconds between background syncs while online (5 to 86400). CRM Desk also syncs when the network comes back and when you open the window.',
  'settings.sync.seconds': 'seconds',
  'settings.save': 'Save',
  'settings.saving': 'Saving…',
  'settings.saved': 'Saved',
  'settings.file': 'Stored in {path}',

  'about.title': 'About CRM Desk',
  'about.tagline': 'Your Odoo pipeline, offline-first, with WhatsApp leads the moment they arrive.',
  'about.version': 'Version',
  'about.dataDir': 'Data folder',
  'about.dataDir.env': 'set by CRM_DESK_DATA_DIR',
  'about.dataDir.platform': 'default for this system',
  'about.database': 'Database',
  'about.schema': 'Database schema version',
  'about.settingsFile': 'Settings file',
  'about.logs': 'Log folder',

  'notice.database': 'Database problem',
  'notice.settings': 'Settings problem',
  'error.title': 'Something went wrong',
  'error.retry': 'Try again',
  loading: 'Loading…',
} as const;

export type MessageKey = keyof typeof en;
