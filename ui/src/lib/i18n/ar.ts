import type { MessageKey } from './en';

// Arabic strings (Modern Standard Arabic). Every English key must be here: a missing one is a
// type error, so Arabic users never see a half-translated screen.
export const ar: Record<MessageKey, string> = {
  'app.name': 'CRM Desk',
  'nav.main': 'التنقل الرئيسي',
  'nav.pipeline': 'مسار المبيعات',
  'nav.notifications': 'الإشعارات',
  'nav.stats': 'الإحصاءات',
  'nav.settings': 'الإعدادات',
  'nav.about': 'حول البرنامج',

  'pipeline.title': 'مسار المبيعات',
  'pipeline.empty.title': 'لم يتم ربط حساب أودو بعد',
  'pipeline.empty.body':
    'اربط حساب أودو الخاص بك من الإعدادات. ستُحفظ عندها العملاء المحتملون والمراحل على هذا الجهاز لتتمكن من العمل عليها حتى دون اتصال.',
  'pipeline.empty.action': 'فتح الإعدادات',

  'notifications.title': 'الإشعارات',
  'notifications.empty.title': 'لا جديد لديك',
  'notifications.empty.body':
    'ستظهر هنا العملاء المحتملون الجدد من واتساب والتعيينات ومشكلات المزامنة، كما تصلك إشعارات على سطح المكتب.',

  'stats.title': 'الإحصاءات',
  'stats.empty.title': 'لا توجد أرقام بعد',
  'stats.empty.body':
    'تظهر هنا نسبة التحويل وقيمة المسار حسب المرحلة والعملاء حسب المصدر والإيرادات المحققة بعد أول مزامنة.',

  'settings.title': 'الإعدادات',
  'settings.appearance': 'المظهر',
  'settings.language': 'اللغة',
  'settings.language.system': 'مثل لغة النظام',
  'settings.theme': 'السمة',
  'settings.theme.system': 'حسب النظام',
  'settings.theme.light': 'فاتحة',
  'settings.theme.dark': 'داكنة',
  'settings.sync': 'المزامنة',
  'settings.sync.interval': 'زامن كل',
  'settings.sync.interval.hint':
    'عدد الثواني بين عمليات المزامنة في الخلفية أثناء الاتصال (من 5 إلى 86400). يزامن CRM Desk أيضًا عند عودة الشبكة وعند فتح النافذة.',
  'settings.sync.seconds': 'ثانية',
  'settings.save': 'حفظ',
  'settings.saving': 'جارٍ الحفظ…',
  'settings.saved': 'تم الحفظ',
  'settings.file': 'محفوظة في {path}',

  'about.title': 'حول CRM Desk',
  'about.tagline': 'مسار مبيعاتك في أودو يعمل دون اتصال، وعملاء واتساب يصلونك فور وصولهم.',
  'about.version': 'الإصدار',
  'about.dataDir': 'مجلد البيانات',
  'about.dataDir.env': 'محدد عبر CRM_DESK_DATA_DIR',
  'about.dataDir.platform': 'الافتراضي لهذا النظام',
  'about.database': 'قاعدة البيانات',
  'about.schema': 'إصدار مخطط قاعدة البيانات',
  'about.settingsFile': 'ملف الإعدادات',
  'about.logs': 'مجلد السجلات',

  'notice.database': 'مشكلة في قاعدة البيانات',
  'notice.settings': 'مشكلة في الإعدادات',
  'error.title': 'حدث خطأ ما',
  'error.retry': 'إعادة المحاولة',
  loading: 'جارٍ التحميل…',
};
