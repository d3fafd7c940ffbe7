import { redirect } from '@sveltejs/kit';

// The pipeline is home.
export function load() {
  redirect(307, '/pipeline');
}
