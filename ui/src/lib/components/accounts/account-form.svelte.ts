import { ipc, type AccountView, IpcError } from '$lib/ipc';
import { asIpcError } from './failure';
import { cleaned, firstInvalid, validateAccount, type AccountField, type FieldErrors } from './validation';

export type SubmitOutcome =
  | { status: 'added'; account: AccountView }
  /** Nothing was sent: `field` is the first one to fix. */
  | { status: 'invalid'; field: AccountField }
  /** Odoo, the network or this computer refused: `failure` says which and why. */
  | { status: 'failed'; failure: IpcError }
  /** A check is already running; a second click must not add the account twice. */
  | { status: 'busy' };

/**
 * The add-account form, without its markup: fields, per-field messages, the connection
 * check and its outcome. Adding IS the connection test: Rust verifies the credentials
 * against Odoo before it stores anything.
 */
export class AccountFormState {
  url = $state('');
  database = $state('');
  login = $state('');
  apiKey = $state('');
  showKey = $state(false);
  busy = $state(false);
  errors = $state<FieldErrors>({});
  failure = $state<IpcError | null>(null);

  constructor(private readonly addAccount = ipc.addAccount) {}

  /** The rep changed a field: its message no longer applies. */
  edited(field: AccountField) {
    if (this.errors[field]) this.errors = { ...this.errors, [field]: undefined };
  }

  async submit(): Promise<SubmitOutcome> {
    if (this.busy) return { status: 'busy' };
    const input = { url: this.url, database: this.database, login: this.login, apiKey: this.apiKey };
    this.errors = validateAccount(input);
    const field = firstInvalid(this.errors);
    if (field) return { status: 'invalid', field };

    this.busy = true;
    this.failure = null;
    const { url, database, login, apiKey } = cleaned(input);
    try {
      const account = await this.addAccount(url, database, login, apiKey);
      // The key now lives in the OS keyring only; drop every copy this side holds.
      this.reset();
      return { status: 'added', account };
    } catch (e) {
      // Everything typed stays: Odoo shows a key only once, so after a network slip the
      // rep must not have to create a new one.
      this.failure = asIpcError(e);
      return { status: 'failed', failure: this.failure };
    } finally {
      this.busy = false;
    }
  }

  reset() {
    this.apiKey = '';
    this.showKey = false;
    this.url = '';
    this.database = '';
    this.login = '';
    this.errors = {};
    this.failure = null;
  }
}
