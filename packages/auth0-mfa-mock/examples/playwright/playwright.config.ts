import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: ".",
  globalSetup: "./global-setup.ts",
  // One mock for the run: a test that moves its clock moves it for every test, so they take turns.
  workers: 1,
  reporter: "list",
});
