/**
 * A deterministic generator of invalid events, for the tests that check that validation,
 * the stores and the bus reject bad input and name the field at fault.
 *
 * Each case holds exactly one defect; `expectedField` is the path the error must name
 * (`type`, `payload.readings[3]`, `metadata.operator`, ...). Randomness comes from a seeded
 * generator, so a seed always yields the same cases. No Node modules: the file runs in
 * Node and in the browser.
 */
import { EVENT_STATUSES, PRIORITIES } from '../../shared/events/event';

export interface InvalidEventCase {
  readonly description: string;
  /** A candidate event (or publish input) with one defect. */
  readonly event: unknown;
  /** The path the validation error must name. */
  readonly expectedField: string;
}

type Shape = 'event' | 'input';
type Json = Record<string, unknown>;
type Container = Json | unknown[];

/** Full events, as the bus carries them and the store appends them. */
export function generateInvalidEvents(count = 1200, seed = 1): InvalidEventCase[] {
  return generate('event', count, seed);
}

/** Producer-side inputs (`type`, `payload` and optional fields), as `publish` receives them. */
export function generateInvalidPublishInputs(count = 1200, seed = 1): InvalidEventCase[] {
  return generate('input', count, seed);
}

/** The cases' events as JSON text, for checks of what arrives as a message; those JSON cannot write (a bigint, a cycle) are left out. */
export function asJsonTexts(cases: readonly InvalidEventCase[]): string[] {
  const texts: string[] = [];
  for (const { event } of cases) {
    try {
      const text = JSON.stringify(event);
      if (typeof text === 'string') texts.push(text);
    } catch {
      // no message can hold it
    }
  }
  return texts;
}

function generate(shape: Shape, count: number, seed: number): InvalidEventCase[] {
  const rng = new Rng(seed);
  const cases: InvalidEventCase[] = [];
  for (let index = 0; index < count; index++) {
    const [name, make] = CATEGORIES[index % CATEGORIES.length]!;
    const made = make(rng, shape);
    cases.push({ description: `#${index} ${name}: ${made.description}`, event: made.event, expectedField: made.expectedField });
  }
  return cases;
}

/** xorshift32: small, fast and good enough to vary test data. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = (Math.imul(seed | 0, 0x9e3779b1) ^ 0x5bd1e995) >>> 0 || 1;
  }
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x100000000;
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(probability: number): boolean {
    return this.next() < probability;
  }
}

// ---- valid material -------------------------------------------------------------------

const VALID_TYPES = ['equipment.status.changed', 'quality.measurement.recorded', 'maintenance.scheduled', 'production.order.started', 'line-3.sensor.value-recorded'];
const KEYS = ['equipmentId', 'value', 'readings', 'operator', 'unit', 'lot', 'line-3', 'reading value', 'temperature', 'notes'];
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** How validation writes one step of a path. */
export function pathStep(key: string | number): string {
  if (typeof key === 'number') return `[${key}]`;
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function hex(rng: Rng, digits: number): string {
  let out = '';
  for (let i = 0; i < digits; i++) out += '0123456789abcdef'[rng.int(16)];
  return out;
}

/** A well-formed UUIDv7 made from the seeded generator. */
export function seededUuidV7(rng: Rng, ms = 1_700_000_000_000 + rng.int(1e9)): string {
  const time = ms.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8)}-7${hex(rng, 3)}-${rng.pick(['8', '9', 'a', 'b'])}${hex(rng, 3)}-${hex(rng, 12)}`;
}

interface Slot {
  readonly container: Container;
  readonly path: string;
  /** 1 for the root object. */
  readonly level: number;
  /** The containers from the root down to this one. */
  readonly chain: readonly object[];
}

interface Tree {
  readonly root: Json;
  readonly slots: Slot[];
}

function primitive(rng: Rng): unknown {
  switch (rng.int(5)) {
    case 0: return rng.int(1000) / 10;
    case 1: return `s-${hex(rng, 4)}`;
    case 2: return rng.chance(0.5);
    case 3: return null;
    default: return -rng.int(50);
  }
}

function randomTree(rng: Rng, rootPath: string, maxLevel = 4): Tree {
  const slots: Slot[] = [];
  const build = (container: Container, path: string, level: number, chain: object[]): void => {
    const here = [...chain, container];
    slots.push({ container, path, level, chain: here });
    const size = 1 + rng.int(4);
    for (let i = 0; i < size; i++) {
      const key = Array.isArray(container) ? container.length : KEYS[(i + rng.int(KEYS.length)) % KEYS.length]!;
      if (typeof key === 'string' && key in container) continue;
      let value: unknown = primitive(rng);
      if (level < maxLevel && rng.chance(0.35)) {
        value = rng.chance(0.5) ? {} : [];
        build(value as Container, path + pathStep(key), level + 1, here);
      }
      if (Array.isArray(container)) container.push(value);
      else container[key] = value;
    }
  };
  const root: Json = { equipmentId: `press-${rng.int(40)}` };
  build(root, rootPath, 1, []);
  return { root, slots };
}

function baseEvent(rng: Rng, shape: Shape): { event: Json; payload: Tree; metadata: Tree } {
  const payload = randomTree(rng, 'payload');
  const metadata = randomTree(rng, 'metadata', 3);
  const event: Json = shape === 'event'
    ? {
        id: seededUuidV7(rng),
        type: rng.pick(VALID_TYPES),
        source: `line-${rng.int(9)}/plc`,
        timestamp: 1_700_000_000_000 + rng.int(1e9),
        payload: payload.root,
        priority: rng.pick(PRIORITIES),
        status: rng.pick(EVENT_STATUSES),
        metadata: metadata.root,
      }
    : { type: rng.pick(VALID_TYPES), payload: payload.root };
  if (shape === 'input' && rng.chance(0.5)) event.metadata = metadata.root;
  if (shape === 'input' && rng.chance(0.3)) event.priority = rng.pick(PRIORITIES);
  if (rng.chance(0.3)) event.correlationId = `corr-${hex(rng, 6)}`;
  return { event, payload, metadata };
}

// ---- defects ---------------------------------------------------------------------------

interface Made {
  readonly description: string;
  readonly event: unknown;
  readonly expectedField: string;
}
type Category = readonly [string, (rng: Rng, shape: Shape) => Made];

class Reading {
  constructor(readonly value = 1) {}
}

/** Values JSON cannot hold, each made fresh. Dates are absent: valid ones are converted. */
const NON_JSON: readonly (readonly [string, () => unknown])[] = [
  ['arrow function', () => () => 1],
  ['function', () => function named() { return 2; }],
  ['async function', () => async () => 3],
  ['class', () => Reading],
  ['symbol', () => Symbol('tag')],
  ['bigint', () => BigInt(42)],
  ['undefined', () => undefined],
  ['NaN', () => NaN],
  ['Infinity', () => Infinity],
  ['-Infinity', () => -Infinity],
  ['Map', () => new Map([['a', 1]])],
  ['Set', () => new Set([1, 2])],
  ['RegExp', () => /ab+c/i],
  ['custom class instance', () => new Reading(3)],
  ['Error', () => new Error('boom')],
  ['Uint8Array', () => new Uint8Array(4)],
  ['ArrayBuffer', () => new ArrayBuffer(8)],
  ['boxed number', () => Object(3)],
  ['boxed string', () => Object('s')],
  ['invalid Date', () => new Date('not a date')],
  ['object with a non-plain prototype', () => Object.create({ inherited: 1 }) as unknown],
  ['Array subclass', () => new (class Readings extends Array {})()],
  ['WeakMap', () => new WeakMap()],
  ['Promise', () => Promise.resolve(1)],
];

/** Puts `value` under a new key (objects) or at the end (arrays) of a random container. */
function inject(rng: Rng, tree: Tree, value: unknown, objectsOnly = false): string {
  const slots = objectsOnly ? tree.slots.filter((slot) => !Array.isArray(slot.container)) : tree.slots;
  const slot = rng.pick(slots);
  return injectAt(slot, value, rng);
}

function injectAt(slot: Slot, value: unknown, rng: Rng): string {
  if (Array.isArray(slot.container)) {
    slot.container.push(value);
    return slot.path + pathStep(slot.container.length - 1);
  }
  let key = rng.pick(['bad', 'extra', 'reading value', 'x', 'line-9', 'tempé']);
  while (key in slot.container) key += '2';
  slot.container[key] = value;
  return slot.path + pathStep(key);
}

function inPayloadOrMetadata(rng: Rng, shape: Shape, built: ReturnType<typeof baseEvent>): Tree {
  if (rng.chance(0.7)) return built.payload;
  built.event.metadata = built.metadata.root;
  return built.metadata;
}

const BIG = { ascii: 'x'.repeat(300_000), accented: 'é'.repeat(140_000), control: '\u0001'.repeat(50_000), emoji: '😀'.repeat(70_000) };
const LIMIT = 256 * 1024;

const CATEGORIES: readonly Category[] = [
  ['bad type', (rng, shape) => {
    const { event } = baseEvent(rng, shape);
    const valid = rng.pick(VALID_TYPES);
    const corrupt = [
      () => '', () => 'equipment', () => 'Equipment.status.changed', () => 'equipment..changed', () => '.equipment.status',
      () => 'equipment.status.', () => 'equipment.*', () => `equipment.${'x'.repeat(200)}`, () => 'équipement.status',
      () => {
        const at = rng.int(valid.length);
        return valid.slice(0, at) + rng.pick(['_', ' ', '!', 'é', '/', '#', '*', 'A', '\n']) + valid.slice(at + 1);
      },
      () => valid.replace(/\./g, ''), () => valid.toUpperCase(), () => ` ${valid}`,
    ];
    const value: unknown = rng.chance(0.85) ? rng.pick(corrupt)() : rng.pick<unknown>([42, null, {}, ['a.b'], true]);
    event.type = value;
    return { description: `type ${JSON.stringify(value)}`, event, expectedField: 'type' };
  }],
  ['missing field', (rng, shape) => {
    const { event } = baseEvent(rng, shape);
    const field = rng.pick(shape === 'event' ? ['id', 'type', 'source', 'timestamp', 'payload', 'priority', 'status'] : ['type', 'payload']);
    if (rng.chance(0.5)) delete event[field];
    else event[field] = undefined;
    return { description: `no ${field}`, event, expectedField: field };
  }],
  ['wrong field type', (rng, shape) => {
    const { event } = baseEvent(rng, shape);
    const [field, value] = rng.pick<readonly [string, unknown]>([
      ['id', 123], ['id', null], ['type', 7], ['source', {}], ['source', 12], ['timestamp', '1700000000000'],
      ['timestamp', new Date(1_700_000_000_000)], ['timestamp', BigInt(5)], ['timestamp', null], ['priority', 2],
      ['status', true], ['metadata', []], ['metadata', 'x'], ['metadata', 5], ['metadata', null], ['metadata', new Date(0)],
      ['correlationId', 7], ['correlationId', null], ['causationId', {}], ['source', ['a']],
    ]);
    const effective = shape === 'input' && field === 'status' ? 'priority' : field;
    event[effective] = value;
    return { description: `${effective} = ${String(value)}`, event, expectedField: effective };
  }],
  ['bad id', (rng, shape) => {
    const { event } = baseEvent(rng, shape);
    const good = seededUuidV7(rng);
    const id = rng.pick([
      '', 'not-a-uuid', good.toUpperCase(), good.replace(/^(.{14})7/, '$14'), good.replace(/^(.{19})[89ab]/, '$1c'),
      good.slice(0, 35), `${good}0`, good.replace(/-/g, ''), `{${good}}`, '00000000-0000-0000-0000-000000000000',
      '9f0c1c5e-7d3b-4c2a-9b1e-2f6f3a1d0c4b',
    ]);
    event.id = id;
    return { description: `id ${JSON.stringify(id)}`, event, expectedField: 'id' };
  }],
  ['bad text field', (rng, shape) => {
    const { event } = baseEvent(rng, shape);
    const field = rng.pick(['source', 'correlationId', 'causationId']);
    const value = rng.pick(['', '   ', '\t\n', 'y'.repeat(201 + rng.int(50))]);
    event[field] = value;
    return { description: `${field} of length ${value.length}`, event, expectedField: field };
  }],
  ['bad timestamp', (rng, shape) => {
    const { event } = baseEvent(rng, shape);
    const value = rng.pick([NaN, Infinity, -Infinity, 0, -1, -1_700_000_000_000, 8.64e15, 9e15, 1e300, -0]);
    event.timestamp = value;
    return { description: `timestamp ${value}`, event, expectedField: 'timestamp' };
  }],
  ['bad priority or status', (rng, shape) => {
    const { event } = baseEvent(rng, shape);
    const field = shape === 'event' && rng.chance(0.5) ? 'status' : 'priority';
    const value = field === 'status'
      ? rng.pick<unknown>(['created', 'DONE', 'ACKNOWLEDGED', '', 'PUBLISHED ', 3])
      : rng.pick<unknown>(['low', 'Normal', 'URGENT', '', 'CRITICAL ', 1, {}]);
    event[field] = value;
    return { description: `${field} ${JSON.stringify(value)}`, event, expectedField: field };
  }],
  ['unknown field', (rng, shape) => {
    const { event } = baseEvent(rng, shape);
    const names = ['seq', 'subject', 'foo', 'Type', 'payload ', 'extra', 'createdAt', 'version', 'tags', 'constructor'];
    const field = rng.pick(shape === 'input' ? [...names, 'status'] : names);
    if (rng.chance(0.25)) {
      const text = JSON.stringify(event).replace('{', '{"__proto__":{"polluted":true},');
      return { description: 'own __proto__ key from JSON.parse', event: JSON.parse(text) as unknown, expectedField: '__proto__' };
    }
    event[field] = rng.pick<unknown>([1, 'x', null, {}]);
    return { description: `field ${JSON.stringify(field)}`, event, expectedField: field };
  }],
  ['non-JSON value', (rng, shape) => {
    const built = baseEvent(rng, shape);
    const [name, make] = rng.pick(NON_JSON);
    if (rng.chance(0.1)) {
      // An undefined metadata means "none", which is valid, so that case targets the payload.
      const field = shape === 'event' && name !== 'undefined' && rng.chance(0.5) ? 'metadata' : 'payload';
      const value = make();
      built.event[field] = value;
      return { description: `${field} is a ${name}`, event: built.event, expectedField: field };
    }
    const path = inject(rng, inPayloadOrMetadata(rng, shape, built), make());
    return { description: `${name} at ${path}`, event: built.event, expectedField: path };
  }],
  ['sparse array', (rng, shape) => {
    const built = baseEvent(rng, shape);
    const length = 2 + rng.int(6);
    const hole = rng.int(length);
    const array: unknown[] = Array.from({ length }, (_, i) => i * 1.5);
    delete array[hole];
    const path = inject(rng, inPayloadOrMetadata(rng, shape, built), array) + pathStep(hole);
    return { description: `hole at ${path}`, event: built.event, expectedField: path };
  }],
  ['cycle', (rng, shape) => {
    const built = baseEvent(rng, shape);
    const slot = rng.pick(inPayloadOrMetadata(rng, shape, built).slots);
    const target = rng.pick(slot.chain);
    const path = injectAt(slot, target, rng);
    return { description: `reference back to an ancestor at ${path}`, event: built.event, expectedField: path };
  }],
  ['prototype key', (rng, shape) => {
    const built = baseEvent(rng, shape);
    const tree = inPayloadOrMetadata(rng, shape, built);
    const variant = rng.int(5);
    if (variant === 0) {
      const path = inject(rng, tree, JSON.parse('{"__proto__":{"polluted":true}}'));
      return { description: `JSON.parse __proto__ at ${path}`, event: built.event, expectedField: `${path}.__proto__` };
    }
    if (variant === 1) {
      const path = inject(rng, tree, JSON.parse('[{"ok":1},{"constructor":{"prototype":{}}}]'));
      return { description: `constructor key inside ${path}`, event: built.event, expectedField: `${path}[1].constructor` };
    }
    const slot = rng.pick(tree.slots.filter((s) => !Array.isArray(s.container)));
    const object = slot.container as Json;
    if (variant === 2) {
      Object.defineProperty(object, '__proto__', { value: { polluted: true }, enumerable: true, writable: true, configurable: true });
      return { description: `own __proto__ at ${slot.path}`, event: built.event, expectedField: `${slot.path}.__proto__` };
    }
    if (variant === 3) {
      const key = rng.pick(['constructor', 'prototype']);
      object[key] = { x: 1 };
      return { description: `${key} key at ${slot.path}`, event: built.event, expectedField: slot.path + pathStep(key) };
    }
    (object as Record<symbol, unknown>)[Symbol('hidden')] = 1;
    return { description: `symbol key at ${slot.path}`, event: built.event, expectedField: slot.path };
  }],
  ['too deep', (rng, shape) => {
    const built = baseEvent(rng, shape);
    const tree = inPayloadOrMetadata(rng, shape, built);
    const slot = rng.pick(tree.slots);
    // The first container of the chain sits at slot.level + 1; the one at level 33 is the error.
    const length = 33 - slot.level + rng.int(8);
    const steps: (string | number)[] = [];
    const head: Container = rng.chance(0.5) ? {} : [];
    let current: Container = head;
    for (let i = 1; i < length; i++) {
      const child: Container = rng.chance(0.5) ? {} : [];
      if (Array.isArray(current)) {
        current.push(i, child);
        steps.push(1);
      } else {
        current[`n${i}`] = child;
        steps.push(`n${i}`);
      }
      current = child;
    }
    const start = injectAt(slot, head, rng);
    const path = start + steps.slice(0, 32 - slot.level).map(pathStep).join('');
    return { description: `${length}-level chain under ${start}`, event: built.event, expectedField: path };
  }],
  ['oversize', (rng, shape) => {
    const built = baseEvent(rng, shape);
    const field = shape === 'event' && rng.chance(0.3) ? 'metadata' : 'payload';
    const kind = rng.int(5);
    const extra = rng.int(2000);
    let value: unknown;
    if (kind === 0) value = BIG.ascii.slice(0, LIMIT + extra);
    else if (kind === 1) value = BIG.accented.slice(0, LIMIT / 2 + extra); // fewer characters than bytes
    else if (kind === 2) value = BIG.control.slice(0, Math.ceil(LIMIT / 6) + extra); // each escapes to \u0001
    else if (kind === 3) value = BIG.emoji.slice(0, LIMIT / 2 + 2 * extra);
    else value = Array.from({ length: 30_000 + extra }, (_, i) => `r${i % 10}-value`);
    built.event[field] = { equipmentId: 'press-1', blob: value };
    return { description: `${field} over 256 KiB (kind ${kind})`, event: built.event, expectedField: field };
  }],
  ['not an object', (rng, shape) => {
    const { event } = baseEvent(rng, shape);
    const [name, candidate] = rng.pick<readonly [string, unknown]>([
      ['null', null], ['undefined', undefined], ['number', 42], ['string', 'equipment.status.changed'], ['array', [event]],
      ['Map', new Map(Object.entries(event))], ['class instance', Object.assign(new Reading(), event)],
      ['object with a prototype', Object.assign(Object.create({ inherited: true }) as Json, event)],
    ]);
    return { description: name, event: candidate, expectedField: 'event' };
  }],
];
