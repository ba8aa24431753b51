// Imports one of dln's modules from a worker thread, whichever form is installed: in a source
// checkout the .ts file exists and is loaded through tsx (registered once, on first use); in the
// package only the compiled .js beside it exists (dist/), and tsx is not needed or installed.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let tsxRegistered = false;

/** import() of url (a .ts or .js file: URL, or a path relative to base): the .ts source when it exists, else its compiled .js. */
export async function importModule(url, base) {
  const target = new URL(url, base);
  if (!target.pathname.endsWith('.ts')) return import(target.href);
  if (existsSync(fileURLToPath(target))) {
    if (!tsxRegistered) {
      const { register } = await import('tsx/esm/api');
      register();
      tsxRegistered = true;
    }
    return import(target.href);
  }
  return import(target.href.replace(/\.ts$/, '.js'));
}
