/**
 * Malformed requests generated from openapi.yaml for every operation: wrong types, missing and extra fields, huge
 * strings, deep JSON, invalid JSON, bad enums, negative and huge pagination, odd ids, bad media types and encodings.
 * Schema-level mutations are kept only when the server's own validator rules (REQUEST_VALIDATION) refuse them, so
 * every request here must be answered with a 4xx `{ error }`.
 */
import { gzipSync } from 'node:zlib';
import { OpenAPIBackend, type Operation } from 'openapi-backend';
import { REQUEST_VALIDATION } from '../../src/http/openapi';

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: boolean | Schema;
  nullable?: boolean;
};

export interface HostileRequest {
  operationId: string;
  /** What was broken, for failure messages and counts. */
  kind: string;
  method: string;
  /** Path and query, already encoded as they go on the wire (after /api). */
  target: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface Credentials {
  /** JWT of an active organization's admin. */
  token: string;
  apiKey: string;
  /** JWT of the platform superadmin, for /admin routes. */
  adminToken: string;
}

/** Ids that exist nowhere, in every odd shape a client could send. */
export const ODD_IDS = [
  '664a1f0c9b1e8a0000000000',
  '0',
  '-1',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  '%00',
  'abc%00def',
  '%E2%98%83',
  '%F0%9F%92%A9%F0%9F%92%A9',
  'caf%C3%A9',
  '%25',
  '%',
  '%zz',
  '%C0%AF',
  '%FF%FE',
  '..%2F..%2Fetc%2Fpasswd',
  "'%20OR%201%3D1%20--",
  '%7B%22%24ne%22%3Anull%7D',
  'x'.repeat(65),
  'x'.repeat(4000),
];

const INVALID_JSON = ['{', '{"name": }', '{"name": "x",}', "{'name': 'x'}", 'nul', '[1, 2', '"unterminated', '{"a": 1}{"b": 2}', '\u0000', '{"name": "\\u12"}'];

const WRONG_VALUES: unknown[] = [null, true, -1, 1.5, 1e308, 'text', '', [], [1, 'two'], {}, { nested: { deeper: true } }];

function deepJson(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** A value the schema accepts, as far as a simple walk can tell (examples and defaults first). */
export function sample(schema: Schema | undefined, depth = 0): unknown {
  if (!schema || depth > 8) return undefined;
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  const variant = schema.oneOf?.[0] ?? schema.anyOf?.[0];
  if (variant) return sample(variant, depth + 1);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => sample(s, depth + 1) as object));
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, sample(s, depth + 1)]));
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items, depth + 1));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'string':
      if (schema.format === 'email') return 'someone@example.com';
      if (schema.format === 'date-time') return '2026-01-01T00:00:00.000Z';
      if (schema.format === 'date') return '2026-01-01';
      if (schema.format === 'uri') return 'https://example.com';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return undefined;
  }
}

/** Values of the wrong type, out of range, or too long for one schema. */
function badValuesFor(schema: Schema): unknown[] {
  const values = [...WRONG_VALUES];
  if (schema.enum) values.push('not-an-enum-value', String(schema.enum[0]).toUpperCase() + '!');
  values.push(schema.maxLength === undefined ? 'z'.repeat(100_000) : 'y'.repeat(schema.maxLength + 1));
  if (schema.minimum !== undefined) values.push(schema.minimum - 1);
  if (schema.maximum !== undefined) values.push(schema.maximum + 1);
  if (schema.format) values.push(`not a ${schema.format}`);
  return values;
}

interface Variant {
  kind: string;
  body: unknown;
}

function bodyVariants(schema: Schema, base: Record<string, unknown>): Variant[] {
  const variants: Variant[] = [];
  for (const top of [null, [], 'text', 42, true]) variants.push({ kind: 'body of wrong type', body: top });
  for (const name of schema.required ?? []) {
    const { [name]: _removed, ...rest } = base;
    variants.push({ kind: 'missing required field', body: rest });
  }
  variants.push({ kind: 'extra field', body: { ...base, orgId: 'someone-else', role: 'superadmin', unknownField: 1 } });
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    for (const value of badValuesFor(property)) variants.push({ kind: `bad value for ${name}`, body: { ...base, [name]: value } });
    if (property.type === 'object' && property.properties) {
      for (const [inner, innerSchema] of Object.entries(property.properties)) {
        for (const value of badValuesFor(innerSchema).slice(0, 4)) {
          variants.push({ kind: `bad value for ${name}.${inner}`, body: { ...base, [name]: { ...(base[name] as object), [inner]: value } } });
        }
      }
    }
  }
  return variants;
}

/** NUL cannot be stored by Postgres; every dialect must refuse it the same way, as 400. */
function nulVariants(schema: Schema, base: Record<string, unknown>): Variant[] {
  return Object.entries(schema.properties ?? {})
    .filter(([, s]) => s.type === 'string' && !s.enum && !s.format)
    .map(([name]) => ({ kind: 'NUL in text', body: { ...base, [name]: `a\u0000b` } }));
}

function formEncode(value: unknown): string {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return String(value);
  return new URLSearchParams(Object.entries(value).map(([k, v]): [string, string] => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)])).toString();
}

export class HostileRequestGenerator {
  private constructor(private readonly validator: OpenAPIBackend) {}

  static async create(): Promise<HostileRequestGenerator> {
    const validator = new OpenAPIBackend(REQUEST_VALIDATION);
    await validator.init();
    return new HostileRequestGenerator(validator);
  }

  operations(): Operation[] {
    return this.validator.getOperations();
  }

  /** Would the server's validator refuse this request? */
  private refused(operation: Operation, path: string, query: Record<string, string>, body: unknown, headers: Record<string, string>): boolean {
    const result = this.validator.validateRequest(
      { method: operation.method, path, query: { ...query }, body: structuredClone(body), headers },
      operation,
    );
    return Boolean(result.errors?.length);
  }

  /** Every hostile request for every operation, authenticated so that validation (not a 401) is what answers. */
  generate(credentials: Credentials): HostileRequest[] {
    return this.operations().flatMap((operation) => this.forOperation(operation, credentials));
  }

  private forOperation(operation: Operation, credentials: Credentials): HostileRequest[] {
    const operationId = operation.operationId!;
    const method = operation.method.toUpperCase();
    const schemes = (operation.security ?? []).flatMap((s) => Object.keys(s));
    const auth = (useKey: boolean): { headers: Record<string, string>; query: Record<string, string> } => {
      if (schemes.includes('webhookApiKey')) return { headers: {}, query: { api_key: credentials.apiKey } };
      if (schemes.includes('apiKeyAuth') && (useKey || !schemes.includes('bearerAuth'))) return { headers: { 'x-api-key': credentials.apiKey }, query: {} };
      if (schemes.includes('bearerAuth')) {
        return { headers: { authorization: `Bearer ${operation.path.startsWith('/admin/') ? credentials.adminToken : credentials.token}` }, query: {} };
      }
      return { headers: {}, query: {} };
    };
    const pathParams = (operation.parameters ?? []).filter((p) => 'in' in p && p.in === 'path') as Array<{ name: string; schema: Schema }>;
    const queryParams = (operation.parameters ?? []).filter((p) => 'in' in p && p.in === 'query' && p.name !== 'api_key') as Array<{ name: string; schema: Schema }>;
    const content = (operation.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)?.content ?? {};
    const mediaType = Object.keys(content)[0];
    const bodySchema = mediaType ? content[mediaType]!.schema : undefined;
    const isForm = mediaType === 'application/x-www-form-urlencoded';
    const baseBody = (sample(bodySchema) ?? {}) as Record<string, unknown>;
    const existingIdPath = (ids: Record<string, string>) => operation.path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? '664a1f0c9b1e8a0012345678');
    const validPath = existingIdPath({});

    const out: HostileRequest[] = [];
    let turn = 0;
    const push = (kind: string, path: string, query: Record<string, string>, extra: { headers?: Record<string, string>; body?: Buffer; rawQuery?: string } = {}) => {
      const credentialsFor = auth(turn++ % 2 === 1);
      const search = new URLSearchParams({ ...query, ...credentialsFor.query }).toString();
      const rawQuery = [search, extra.rawQuery].filter(Boolean).join('&');
      out.push({
        operationId,
        kind,
        method,
        target: `${path}${rawQuery ? `?${rawQuery}` : ''}`,
        headers: { ...credentialsFor.headers, ...extra.headers },
        ...(extra.body ? { body: extra.body } : {}),
      });
    };
    const encodeBody = (value: unknown) => Buffer.from(isForm ? formEncode(value) : JSON.stringify(value));
    const contentType = { 'content-type': isForm ? 'application/x-www-form-urlencoded' : 'application/json' };
    const baseBuffer = bodySchema ? encodeBody(baseBody) : undefined;
    const withBase = baseBuffer ? { headers: contentType, body: baseBuffer } : {};

    // Odd ids in every path parameter.
    for (const param of pathParams) {
      for (const id of ODD_IDS) push(`odd id ${id.slice(0, 20)}`, existingIdPath({ [param.name]: id }), {}, withBase);
    }

    // Query parameters: wrong types, negative and huge pagination, bad enums, overlong strings.
    for (const param of queryParams) {
      const candidates = ['abc', '', '-1', '-999999', '1.5', '1e309', '99999999999999999999', '0x10', 'true', '[]', '{"$gt":""}', 'x'.repeat(5000), 'not-an-enum'];
      for (const value of candidates) {
        if (this.refused(operation, validPath, { [param.name]: value }, bodySchema ? baseBody : undefined, {})) {
          push(`query ${param.name}=${value.slice(0, 20)}`, validPath, { [param.name]: value }, withBase);
        }
      }
    }
    // Broken percent-encoding in the query string.
    for (const raw of ['%', 'a=%zz', '%E0%A4%A=1', 'limit=%00', `${queryParams[0]?.name ?? 'q'}=%FF%FE`]) {
      push(`broken query ${raw}`, validPath, {}, { ...withBase, rawQuery: raw });
    }

    // Bodies sent where they have no place, in odd encodings: the body parser must refuse them as 400, never 500.
    const garbage = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]);
    push('gzip garbage', validPath, {}, { headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: garbage });
    push('deflate garbage', validPath, {}, { headers: { 'content-type': 'application/json', 'content-encoding': 'deflate' }, body: garbage });
    push('gzip of invalid JSON', validPath, {}, { headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync('{"a":') });
    push('unknown content encoding', validPath, {}, { headers: { 'content-type': 'application/json', 'content-encoding': 'zstd-ish' }, body: Buffer.from('{}') });
    for (const text of INVALID_JSON) push('invalid JSON', validPath, {}, { headers: { 'content-type': 'application/json' }, body: Buffer.from(text) });
    push('deep JSON (100)', validPath, {}, { headers: { 'content-type': 'application/json' }, body: Buffer.from(deepJson(100)) });
    push('deep JSON (20000)', validPath, {}, { headers: { 'content-type': 'application/json' }, body: Buffer.from(deepJson(20_000)) });
    push('body over the limit', validPath, {}, { headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ name: 'a'.repeat(400_000) })) });

    if (!bodySchema) return out;

    // Wrong media types and missing bodies where one is required.
    for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/octet-stream', isForm ? 'application/json' : 'application/x-www-form-urlencoded']) {
      push(`media type ${type}`, validPath, {}, { headers: { 'content-type': type }, body: Buffer.from(isForm ? '{"CallSid":"x"}' : 'name=x&role=superadmin') });
    }
    push('no body', validPath, {});
    push('empty body', validPath, {}, { headers: contentType, body: Buffer.alloc(0) });

    // Schema-level mutations the validator refuses.
    // A form body reaches the validator as strings, whatever the variant held.
    const asReceived = (value: unknown) => (isForm ? Object.fromEntries(new URLSearchParams(formEncode(value))) : value);
    for (const variant of bodyVariants(bodySchema, baseBody)) {
      if (this.refused(operation, validPath, {}, asReceived(variant.body), contentType)) {
        push(variant.kind, validPath, {}, { headers: contentType, body: encodeBody(variant.body) });
      }
    }
    for (const variant of nulVariants(bodySchema, baseBody)) push(variant.kind, validPath, {}, { headers: contentType, body: encodeBody(variant.body) });
    return out;
  }
}
