import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev` here proxies the API to a lab's BFF (BFF_URL, default the lab's port 3000).
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: { proxy: { '/api': process.env.BFF_URL ?? 'http://127.0.0.1:3000' } },
});
