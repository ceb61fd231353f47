import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Principal } from '../keys/index.js';

/** Hono's per-request variables: who is calling. */
export type AppEnv = { Variables: { principal: Principal } };

/** The app every domain's routes mount on. */
export type App = OpenAPIHono<AppEnv>;

/** The security requirement every authenticated route declares in OpenAPI. */
export const BEARER = [{ Bearer: [] }];
