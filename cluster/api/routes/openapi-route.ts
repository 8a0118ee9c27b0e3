/** `GET /api/v1/openapi.json`: the generated OpenAPI document (no auth). */
import { CLUSTER_ROUTES } from '../../../contract/api-routes.ts';
import type { OpenApiDocument } from '../openapi.ts';
import { handle, type ServedRoute } from '../route.ts';

export function openApiRoute(document: () => OpenApiDocument): ServedRoute {
  return handle(CLUSTER_ROUTES.openApi, {
    async handler() {
      return { body: document() };
    },
  });
}
