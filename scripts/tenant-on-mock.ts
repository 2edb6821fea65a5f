/** `npm run test:tenant-on-mock`: the tenant path against the mock (tenant/on-mock.ts). */
import "../tenant/on-mock.ts";
