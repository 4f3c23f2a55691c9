// Every answer leaves through its zod schema (protocol/api/*): `toWire(schema, value)` is what
// `schema.encode(value)` gives, without zod's checks on the way. `encode` validates the value twice
// (the decoded side, then the wire side: a regular expression per address and amount), which made a
// venue's bookings page of 200 cost 2.8 ms instead of 0.45 ms, and the read API half as fast as the
// hand-written JSON it replaced (bench/scale.json, paired runs in docs/relayer.md). So the schema is
// compiled once into a plain function: codecs apply their `encode`, objects keep their declared keys,
// arrays, nullable, optional, records and discriminated unions map through; anything else (a
// one-way transform, a plain pipe, a union without a discriminator) keeps zod's own `encode`.
// test/server/wire.test.ts holds it equal to `encode`; network.test.ts checks every route's real
// answer against the generated OpenAPI document.
import type { z } from "zod";

type Encode = (value: unknown) => unknown;
type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  reverseTransform?: (value: unknown) => unknown;
  options?: z.ZodType[];
  discriminator?: string;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  values?: unknown[];
};

const same: Encode = (v) => v;
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The schema's encoder, or null where only zod's `encode` is right. */
function compile(schema: z.ZodType): Encode | null {
  const def = defOf(schema);
  switch (def.type) {
    case "string":
    case "number":
    case "boolean":
    case "bigint":
    case "literal":
    case "enum":
    case "custom":
    case "unknown":
      return same;
    case "readonly":
      return compile(def.innerType!);
    case "nullable":
    case "optional": {
      const inner = compile(def.innerType!);
      return inner && ((v) => (v === null || v === undefined ? v : inner(v)));
    }
    case "array": {
      const element = compile(def.element!);
      return element && ((v) => (v as unknown[]).map(element));
    }
    case "pipe": {
      // A codec: its encode, then the wire side's own encoder (a plain pipe has no reverse).
      if (!def.reverseTransform) return null;
      const wire = compile(def.in!);
      const reverse = def.reverseTransform;
      return wire && ((v) => wire(reverse(v)));
    }
    case "record": {
      if (compile(def.keyType!) !== same) return null;
      const value = compile(def.valueType!);
      return (
        value &&
        ((v) => Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, value(x)])))
      );
    }
    case "object": {
      if (def.catchall && defOf(def.catchall).type !== "never") return null;
      const fields: [string, Encode][] = [];
      for (const [key, field] of Object.entries(def.shape!)) {
        const encode = compile(field);
        if (!encode) return null;
        fields.push([key, encode]);
      }
      return (v) => {
        const from = v as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const [key, encode] of fields) if (from[key] !== undefined) out[key] = encode(from[key]);
        return out;
      };
    }
    case "union": {
      const key = def.discriminator;
      if (!key) return null;
      const byTag = new Map<unknown, Encode>();
      for (const option of def.options!) {
        const tag = defOf(option).shape?.[key];
        const encode = compile(option);
        if (!tag || defOf(tag).type !== "literal" || !encode) return null;
        for (const value of defOf(tag).values!) byTag.set(value, encode);
      }
      return (v) => {
        const encode = byTag.get((v as Record<string, unknown>)[key]);
        if (!encode) throw new Error(`toWire: no option of the union has ${key} = ${String((v as never)[key])}`);
        return encode(v);
      };
    }
    default:
      return null;
  }
}

const compiled = new WeakMap<z.ZodType, Encode>();

/** `schema.encode(value)`, compiled once per schema (see above). */
export function toWire<S extends z.ZodType>(schema: S, value: z.output<S>): z.input<S> {
  let encode = compiled.get(schema);
  if (!encode) {
    encode = compile(schema) ?? ((v) => schema.encode(v as z.output<S>));
    compiled.set(schema, encode);
  }
  return encode(value) as z.input<S>;
}
