// The configuration form: fills it from a PlaygroundConfig and reads one back (through the URL
// parameters, so the form, the link and the worker agree on every value).
import { type PlaygroundConfig, configFromParams, configToParams } from './config.ts';

function field(form: HTMLFormElement, name: string): HTMLInputElement | HTMLSelectElement {
  const el = form.elements.namedItem(name);
  if (el === null) throw new Error(`form has no field ${name}`);
  return el as HTMLInputElement | HTMLSelectElement;
}

/** Shows the rows whose data-show="name:v1,v2" matches the current value of the select `name`. */
export function updateVisibility(form: HTMLFormElement): void {
  for (const el of form.querySelectorAll<HTMLElement>('[data-show]')) {
    const [name, values] = (el.dataset.show as string).split(':');
    el.hidden = !values.split(',').includes(field(form, name).value);
  }
  const mode = field(form, 'etaMode').value, opt = field(form, 'opt').value;
  const label = form.querySelector('#eta-label') as HTMLElement;
  const what = opt === 'power' ? 'c' : 'η';
  label.textContent = mode === 'value' ? what : mode === 'bound' ? `${what} = k × η_max: k` : `${what} = k × 2/λ_max: k`;
}

/** Puts cfg into the form. */
export function fillForm(form: HTMLFormElement, cfg: PlaygroundConfig): void {
  const p = configToParams(cfg);
  const set = (name: string, value: string): void => { field(form, name).value = value; };
  set('dims', cfg.dims.join(','));
  set('data', cfg.data.kind === 'upload' ? 'upload' : cfg.data.name);
  const mnist = cfg.data.kind === 'real' && cfg.data.name === 'mnist' ? cfg.data : { pca: 50, train: 8000, center: true };
  set('pca', String(mnist.pca)); set('train', String(mnist.train)); set('center', mnist.center ? '1' : '0');
  for (const k of ['m', 'dx', 'dy', 'rank']) set(k, p.get(k) ?? '');
  set('init', cfg.init.kind);
  set('std', cfg.init.kind === 'gaussian' ? String(cfg.init.std) : '0.05');
  set('scale', cfg.init.kind === 'balanced' || cfg.init.kind === 'orthogonal' || cfg.init.kind === 'aligned' ? String(cfg.init.scale) : '1');
  set('subset', cfg.init.kind === 'critical' ? cfg.init.subset.join(',') : '1');
  set('strict', cfg.init.kind === 'critical' && !cfg.init.strict ? '0' : '1');
  set('perturb', cfg.init.kind === 'critical' ? String(cfg.init.perturb) : '0.001');
  set('perturbRel', cfg.init.kind === 'critical' && cfg.init.relative === true ? '1' : '0');
  set('opt', cfg.optimizer);
  set('etaMode', cfg.etaMode);
  set('eta', String(cfg.eta));
  set('b', String(cfg.powerB)); set('p', String(cfg.powerP));
  set('tEnd', String(cfg.tEnd)); set('epsilon', String(cfg.epsilon));
  for (const k of ['beta', 'rho', 'deltaF'] as const) set(k, cfg.pgd?.[k] === undefined ? '' : String(cfg.pgd[k]));
  set('seed', String(cfg.seed)); set('steps', String(cfg.steps)); set('every', String(cfg.recordEvery));
  updateVisibility(form);
}

/** The configuration in the form; InputError (from configFromParams) names a bad field. */
export function readForm(form: HTMLFormElement): PlaygroundConfig {
  const get = (name: string): string => field(form, name).value.trim();
  const p = new URLSearchParams();
  p.set('dims', get('dims'));
  p.set('data', get('data'));
  if (get('data') === 'report-sec4' || get('data') === 'nrt' || get('data') === 'saxe') if (get('m') !== '') p.set('m', get('m'));
  if (get('data') === 'nrt') for (const k of ['dx', 'dy', 'rank']) if (get(k) !== '') p.set(k, get(k));
  if (get('data') === 'mnist') for (const k of ['pca', 'train', 'center']) p.set(k, get(k));
  const init = get('init');
  p.set('init', init);
  if (init === 'gaussian') p.set('std', get('std'));
  if (init === 'balanced' || init === 'orthogonal' || init === 'aligned') p.set('scale', get('scale'));
  if (init === 'critical') { p.set('subset', get('subset')); p.set('strict', get('strict')); p.set('perturb', get('perturb')); p.set('perturbRel', get('perturbRel')); }
  const opt = get('opt');
  p.set('opt', opt);
  p.set('etaMode', get('etaMode'));
  p.set('eta', get('eta'));
  if (opt === 'power') { p.set('b', get('b')); p.set('p', get('p')); }
  if (opt === 'flow') p.set('tEnd', get('tEnd'));
  if (opt === 'pgd') { p.set('epsilon', get('epsilon')); for (const k of ['beta', 'rho', 'deltaF']) if (get(k) !== '') p.set(k, get(k)); }
  p.set('seed', get('seed')); p.set('steps', get('steps')); p.set('every', get('every'));
  return configFromParams(p);
}
