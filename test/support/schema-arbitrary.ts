import fc from 'fast-check';
import { z } from 'zod';

/**
 * fast-check arbitraries shaped by the contract's zod schemas (through zod's JSON Schema export, the
 * part of zod's surface that is documented and stable), for fuzzing the doors:
 * - `schemaValues`: values of the schema's shape, mostly valid, with the awkward strings and the
 *   boundary lengths and numbers that parsers get wrong;
 * - `schemaViolations`: values that break the schema right at its top (wrong type, one too long,
 *   out of range, a missing or an unknown key, too many items);
 * - `nearValid`: a value of the right shape with one field somewhere inside broken that way.
 * Whether a value is valid is always decided by zod itself, never by these generators.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
}

/** Arbitraries to mix in for properties of a given name (ids and paths that exist, for instance). */
export type Hints = Readonly<Record<string, fc.Arbitrary<unknown>>>;

export interface SchemaArbitraryOptions {
  hints?: Hints;
  /** Longest string or array generated outside the boundary cases. */
  maxSize?: number;
  /** Which generated record keys to keep (see `jsonPlainKey`). */
  keys?: (key: string) => boolean;
}

/**
 * A key JSON writes without an escape. Node 24's V8 can misread an escaped key after parsing another:
 * after the JSON text `{"a":1,"\\":2}`, the text `{"a":1,"\n":2}` reads its second key as a backslash
 * (nodejs/node#63785, a V8 bug still open).
 * Round-trip properties keep to plain keys; test/integration/fuzz/contract-schemas.test.ts pins the bug.
 */
export function jsonPlainKey(key: string): boolean {
  return JSON.stringify(key) === `"${key}"`;
}

/** Strings that have broken parsers, paths and SQL before. */
export const awkwardStrings: readonly string[] = [
  '',
  ' ',
  '.',
  '..',
  '/',
  '\\',
  '../../etc/passwd',
  '..\\..\\windows',
  'C:\\',
  '\0',
  'a\0b',
  '\n',
  '\r\n',
  '\u202e',
  '\ud800',
  '😀',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'NaN',
  'null',
  'undefined',
  '%00',
  '%2e%2e%2f',
  '"',
  "'",
  '`',
  '${x}',
  '"); DROP TABLE history; --',
  '" OR 1=1 --',
  '*',
  'NEAR(',
  'a AND b',
  's',
  's-1',
  's99999999999999999999999',
  'file:///etc/passwd',
  'http://127.0.0.1:1/',
  'sandbox',
];

/** Largest string built for a "one past maxLength" case; longer bounds are probed at this length. */
const boundaryCap = 100_000;

const otherTypeValues = (type: string): fc.Arbitrary<unknown> => {
  const all: Record<string, unknown[]> = {
    string: ['', 'x', '1'],
    number: [0, -1, 1.5, Number.MAX_SAFE_INTEGER + 2, Number.NaN, Number.POSITIVE_INFINITY, -0],
    integer: [0.5, -1, Number.MAX_SAFE_INTEGER + 2, Number.NaN, Number.NEGATIVE_INFINITY],
    boolean: [true, false],
    null: [null],
    array: [[], [1], ['a', null]],
    object: [{}, { a: 1 }],
  };
  const values = Object.entries(all)
    .filter(([name]) => name !== type && !(type === 'number' && name === 'integer'))
    .flatMap(([, list]) => list);
  return fc.constantFrom(...values, undefined);
};

export function schemaValues(
  schema: JsonSchema,
  options: SchemaArbitraryOptions = {},
): fc.Arbitrary<unknown> {
  const maxSize = options.maxSize ?? 40;
  const hints = options.hints ?? {};
  const values = (s: JsonSchema, key?: string): fc.Arbitrary<unknown> => {
    const generic = build(s);
    const hint = key === undefined ? undefined : hints[key];
    return hint ? fc.oneof(hint, generic) : generic;
  };
  const build = (s: JsonSchema): fc.Arbitrary<unknown> => {
    if ('const' in s) return fc.constant(s.const);
    if (s.enum) return fc.constantFrom(...s.enum);
    const alternatives = s.anyOf ?? s.oneOf;
    if (alternatives) return fc.oneof(...alternatives.map((alternative) => build(alternative)));
    if (Array.isArray(s.type)) return fc.oneof(...s.type.map((type) => build({ ...s, type })));
    switch (s.type) {
      case 'string': {
        const min = s.minLength ?? 0;
        const max = s.maxLength ?? boundaryCap;
        if (s.pattern !== undefined) {
          const pattern = new RegExp(s.pattern);
          return fc
            .stringMatching(pattern, { size: 'small' })
            .filter((value) => value.length >= min && value.length <= max);
        }
        const fits = (value: string) => value.length >= min && value.length <= max;
        const arbitraries: fc.Arbitrary<string>[] = [
          fc.string({ minLength: min, maxLength: Math.max(min, Math.min(max, maxSize)) }),
          fc.string({ minLength: min, maxLength: Math.max(min, Math.min(max, maxSize)), unit: 'binary' }),
        ];
        const awkward = awkwardStrings.filter(fits);
        if (awkward.length > 0) arbitraries.push(fc.constantFrom(...awkward));
        if (s.maxLength !== undefined && max <= boundaryCap) arbitraries.push(fc.constant('x'.repeat(max)));
        return fc.oneof(...arbitraries);
      }
      case 'integer':
      case 'number': {
        const min =
          s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : Number.MIN_SAFE_INTEGER);
        const max =
          s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : Number.MAX_SAFE_INTEGER);
        const inRange =
          s.type === 'integer'
            ? fc.integer({
                min: Math.max(min, Number.MIN_SAFE_INTEGER),
                max: Math.min(max, Number.MAX_SAFE_INTEGER),
              })
            : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
        return fc.oneof(inRange, fc.constantFrom(min, max));
      }
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array': {
        const min = s.minItems ?? 0;
        const max = Math.max(min, Math.min(s.maxItems ?? maxSize, min + 4));
        return fc.array(s.items ? build(s.items) : fc.jsonValue(), { minLength: min, maxLength: max });
      }
      case 'object': {
        const properties = s.properties ?? {};
        const required = new Set(s.required ?? []);
        const shaped = fc.record(
          Object.fromEntries(Object.entries(properties).map(([key, sub]) => [key, values(sub, key)])),
          { requiredKeys: Object.keys(properties).filter((key) => required.has(key)) },
        );
        const extra = s.additionalProperties;
        if (typeof extra !== 'object') return shaped;
        const anyKey = s.propertyNames
          ? (build(s.propertyNames) as fc.Arbitrary<string>)
          : fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor'));
        const keys = options.keys ? anyKey.filter(options.keys) : anyKey;
        return fc
          .tuple(shaped, fc.dictionary(keys, build(extra), { maxKeys: 4 }))
          .map(([known, more]) => Object.assign(more, known));
      }
      default:
        return fc.jsonValue();
    }
  };
  return values(schema);
}

export function schemaViolations(
  schema: JsonSchema,
  options: SchemaArbitraryOptions = {},
): fc.Arbitrary<unknown> {
  const maxSize = options.maxSize ?? 40;
  const s = schema;
  if ('const' in s) return fc.constantFrom(null, 'x', 0, true).filter((value) => value !== s.const);
  if (s.enum) {
    const members = s.enum.filter((value): value is string => typeof value === 'string');
    return fc.oneof(
      fc.constantFrom(...members.flatMap((value) => [value.toUpperCase(), ` ${value}`, `${value}\0`])),
      fc.constantFrom(0, null, ''),
    );
  }
  if (s.anyOf ?? s.oneOf) return fc.constantFrom(undefined, 1.5, [[]], { ok: 'maybe' });
  const type = Array.isArray(s.type) ? s.type[0]! : (s.type ?? 'any');
  const broken: fc.Arbitrary<unknown>[] = [otherTypeValues(type)];
  switch (type) {
    case 'string':
      if (s.maxLength !== undefined && s.maxLength < boundaryCap)
        broken.push(fc.constant('x'.repeat(s.maxLength + 1)));
      if (s.minLength !== undefined && s.minLength > 0) broken.push(fc.constant('x'.repeat(s.minLength - 1)));
      if (s.pattern !== undefined) broken.push(fc.constantFrom('!', '%%%', '====', 'a b'));
      break;
    case 'integer':
    case 'number':
      if (s.minimum !== undefined) broken.push(fc.constantFrom(s.minimum - 1, s.minimum - 0.5));
      if (s.maximum !== undefined) broken.push(fc.constantFrom(s.maximum + 1, s.maximum + 0.5));
      break;
    case 'array':
      if (s.minItems !== undefined && s.minItems > 0) broken.push(fc.constant([]));
      if (s.maxItems !== undefined && s.maxItems <= 10_000 && s.items)
        broken.push(
          schemaValues(s.items, { ...options, maxSize }).map((item) =>
            Array.from({ length: s.maxItems! + 1 }, () => item),
          ),
        );
      break;
    case 'object': {
      const valid = schemaValues(s, options) as fc.Arbitrary<Record<string, unknown>>;
      for (const key of s.required ?? [])
        broken.push(
          valid.map((value) => {
            const copy = { ...value };
            delete copy[key];
            return copy;
          }),
        );
      if (s.additionalProperties === false)
        broken.push(
          fc
            .tuple(
              valid,
              fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom('__proto__', 'extra', 'Name')),
            )
            .filter(([value, key]) => !(key in value) || key === '__proto__')
            .map(([value, key]) => {
              const copy: Record<string, unknown> = { ...value };
              Object.defineProperty(copy, key, {
                value: 1,
                enumerable: true,
                configurable: true,
                writable: true,
              });
              return copy;
            }),
        );
      break;
    }
  }
  return fc.oneof(...broken);
}

/** A value of the schema's shape with exactly one place inside it broken. */
export function nearValid(schema: JsonSchema, options: SchemaArbitraryOptions = {}): fc.Arbitrary<unknown> {
  const s = schema;
  const top = schemaViolations(s, options);
  if (s.type === 'object' && s.properties && Object.keys(s.properties).length > 0) {
    const properties = s.properties;
    const valid = schemaValues(s, options) as fc.Arbitrary<Record<string, unknown>>;
    const inner = fc.constantFrom(...Object.keys(properties)).chain((key) =>
      fc.tuple(fc.constant(key), valid, nearValid(properties[key]!, options)).map(([k, value, bad]) => ({
        ...value,
        [k]: bad,
      })),
    );
    return fc.oneof(top, inner);
  }
  if (s.type === 'object' && typeof s.additionalProperties === 'object') {
    const valid = schemaValues(s, options) as fc.Arbitrary<Record<string, unknown>>;
    const badKey =
      s.propertyNames && s.propertyNames.maxLength !== undefined
        ? fc.constant('k'.repeat(s.propertyNames.maxLength + 1))
        : fc.constant('k');
    const inner = fc
      .tuple(valid, badKey, nearValid(s.additionalProperties, options))
      .map(([value, key, bad]) => ({ ...value, [key]: bad }));
    return fc.oneof(top, inner);
  }
  if (s.type === 'array' && s.items) {
    const items = s.items;
    const inner = fc
      .tuple(schemaValues(s, options) as fc.Arbitrary<unknown[]>, nearValid(items, options), fc.nat())
      .map(([value, bad, at]) => {
        const copy = [...value];
        if (copy.length === 0) copy.push(bad);
        else copy[at % copy.length] = bad;
        return copy;
      });
    return fc.oneof(top, inner);
  }
  return top;
}

/** Anything a structured clone (Electron IPC) can carry: dates, maps, big integers, sparse arrays... */
export const anyClonable: fc.Arbitrary<unknown> = fc.anything({
  key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString')),
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withBigInt: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
  withUnicodeString: true,
  maxDepth: 4,
});

/** What a door receives: valid payloads, near-valid ones and plain garbage, in that proportion. */
export function payloads(
  schema: z.ZodType,
  options: SchemaArbitraryOptions & { garbage?: fc.Arbitrary<unknown> } = {},
): fc.Arbitrary<unknown> {
  const json = jsonSchemaOf(schema);
  return fc.oneof(
    { arbitrary: schemaValues(json, options), weight: 4 },
    { arbitrary: nearValid(json, options), weight: 4 },
    { arbitrary: options.garbage ?? anyClonable, weight: 1 },
  );
}
