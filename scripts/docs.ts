/**
 * `npm run docs`: builds the Redoc page into docs/index.html with `redocly build-docs` (self-contained, no CDN).
 * The server also builds it on the first request to /api/docs when it is missing or older than openapi.yaml;
 * run this where that cannot happen, e.g. before pruning dev dependencies from a production image.
 */
import { buildDocsPage, DOCS_HTML_PATH } from '../src/http/docs-page';

const started = Date.now();
await buildDocsPage();
console.log(`wrote ${DOCS_HTML_PATH} in ${Date.now() - started} ms`);
