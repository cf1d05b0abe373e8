import type { z } from 'zod';

// Saved formats keep their documented TypeScript types and a zod schema that reads them back; this
// ties the two together at compile time, so neither can gain a field the other lacks.

/** Objects with their intersections flattened, arrays and unions element by element: only the shape is left. */
type Shape<T> = T extends readonly (infer Item)[]
  ? Shape<Item>[]
  : T extends object
    ? { [K in keyof T]: Shape<T[K]> }
    : T;

/** True when A and B have the same shape: the same keys, each as optional and of the same type, at every depth. */
export type SameShape<A, B> =
  (<G>() => G extends Shape<A> ? 1 : 2) extends <G>() => G extends Shape<B> ? 1 : 2 ? true : false;

/**
 * `schema`, accepted only when it validates exactly `T`: what it parses is a `T`, and every field of
 * `T` (optional ones too) is in it. Usage: `exactSchema<Plan>()(z.strictObject({ … }))`.
 */
export function exactSchema<T>() {
  return <Schema extends z.ZodType<T>>(
    schema: Schema & (SameShape<z.output<Schema>, T> extends true ? unknown : 'the schema and the type differ'),
  ): Schema => schema;
}
