// dev-server.mjs: the app's dev server (esbuild's; Vite's `npm run dev` plays the same part). The app
// takes its Auth0 domain and client id from the environment, as it does against a tenant.
import * as esbuild from "esbuild";

const app = await esbuild.context({
  entryPoints: ["src/main.jsx"],
  bundle: true,
  outdir: "public/assets",
  jsx: "automatic",
  define: {
    "process.env.AUTH0_DOMAIN": JSON.stringify(process.env.AUTH0_DOMAIN),
    "process.env.AUTH0_CLIENT_ID": JSON.stringify(process.env.AUTH0_CLIENT_ID),
  },
});
const { port } = await app.serve({
  servedir: "public",
  host: "127.0.0.1",
  port: Number(process.env.PORT ?? 5173),
});
console.log(`http://localhost:${port}/`);
