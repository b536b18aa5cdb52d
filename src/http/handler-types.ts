/**
 * Handlers are typed from the generated `operations`: a handler receives its operation's path, query and body,
 * and must return one of its documented success responses. `HandlerMap` is exhaustive, so an operation in
 * openapi.yaml without a handler is a compile error.
 */
import type { Context as KoaContext } from 'koa';
import type { operations } from '../../generated/schema';
import type { AuthContext, ServiceContext } from '../services/context';

export type OperationId = keyof operations;

type Operation<K extends OperationId> = operations[K];
type PathParams<K extends OperationId> = NonNullable<Operation<K>['parameters']['path']>;
/**
 * Query parameters that have a default in the spec. The validator fills them in (coerceTypes and useDefaults in
 * src/http/openapi.ts), so handlers see them set; test/unit/query-defaults.test.ts keeps this list true to the spec.
 */
export const DEFAULTED_QUERY_PARAMETERS = ['skip', 'limit', 'days', 'client', 'query'] as const;
type Defaulted = (typeof DEFAULTED_QUERY_PARAMETERS)[number];
type WithSpecDefaults<Q> = Q & { [P in Extract<keyof Q, Defaulted>]-?: Exclude<Q[P], undefined> };
type QueryParams<K extends OperationId> = WithSpecDefaults<NonNullable<Operation<K>['parameters']['query']>>;
type RequestBody<K extends OperationId> = Operation<K> extends { requestBody: { content: infer C } } ? C[keyof C] : never;

type Responses<K extends OperationId> = Operation<K>['responses'];
type SuccessStatus<K extends OperationId> = Extract<keyof Responses<K>, 200 | 201 | 204>;
type BodyOf<R> = R extends { content: { 'application/json': infer B } }
  ? B
  : R extends { content: { 'text/xml': infer X } }
    ? X
    : undefined;

export type Reply<K extends OperationId> = {
  [S in SuccessStatus<K>]: BodyOf<Responses<K>[S]> extends undefined
    ? { status: S }
    : { status: S; body: BodyOf<Responses<K>[S]> };
}[SuccessStatus<K>];

export interface HandlerRequest<K extends OperationId> {
  params: PathParams<K>;
  /** Validated, with defaults from the spec applied. */
  query: QueryParams<K>;
  body: RequestBody<K>;
  /** The authenticated caller; throws 401 on an operation without security. */
  readonly auth: AuthContext;
  /** The raw Koa context, for the few handlers that need transport details (Twilio signature, client IP). */
  koa: KoaContext;
}

export type Handler<K extends OperationId> = (req: HandlerRequest<K>, svc: ServiceContext) => Promise<Reply<K>>;

export type HandlerMap = { [K in OperationId]: Handler<K> };
