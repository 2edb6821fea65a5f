import { expect, test } from "@playwright/test";
import { mockControl } from "auth0-mfa-mock";

const mock = mockControl(process.env.AUTH0_MOCK_URL ?? "");

test("paying asks for MFA: SMS enrollment with the texted code", async ({ page }) => {
  const user = await mock.users.create();
  await page.goto("/");
  await page.getByRole("button", { name: "Log in" }).click();
  // The mock's login page (Universal Login's first step), then back to the app.
  await page.getByLabel("Email address or username").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Continue" }).click();

  // The fresh token's refresh answers mfa_required: the app shows its MFA screen.
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page.getByRole("heading", { name: "Verify it's you" })).toBeVisible();
  const phone = "+15555550123";
  await page.getByLabel("Phone number").fill(phone);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByLabel("Code")).toBeVisible(); // the enrollment answered: the text is sent

  const sms = await mock.outbox.latest(phone); // what the user's phone got
  await page.getByLabel("Code").fill(sms?.code ?? "");
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByText("Paid. Signed in with MFA.")).toBeVisible();
});
