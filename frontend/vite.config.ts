import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { GATEWAY_API_PREFIX, GATEWAY_ROUTES } from '@zkviz/shared';

const gateway = process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080';

// `npm run dev -w @zkviz/frontend` serves the page with hot reload and proxies the API and the
// WebSocket to a running gateway (GATEWAY_URL); `npm run build` writes frontend/dist/web.
export default defineConfig({
  root: fileURLToPath(new URL('./src/web', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    proxy: {
      [GATEWAY_API_PREFIX]: gateway,
      [GATEWAY_ROUTES.ws]: { target: gateway.replace(/^http/, 'ws'), ws: true },
    },
  },
});
