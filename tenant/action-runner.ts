/**
 * The Action runner: plays Auth0's part between a message and the Action that delivers it.
 * A tenant runs the deployed phone-message Action for every SMS or voice message it sends, and its
 * custom email provider Action for every email; the mock only records the message in its outbox.
 * This runner polls the mock's outbox (`GET /__mock/outbox`) and calls the Action's exported handler
 * with an `event` built like Auth0's, so the codes take the tenant's path (Action → signed sink →
 * sink inbox) and the mock itself stays as it is.
 *
 * Any Action file works, not only the harness's: a user can run their own send-phone-message,
 * custom-phone-provider or custom-email-provider Action against the mock (see tenant/README.md and
 * `npm run action-runner`).
 */
import { createRequire } from "node:module";
import path from "node:path";
import { mockControl, type OutboxMessage } from "../mock/start.ts";
import { maskRecipient } from "../redaction/mask.ts";

/** The two Auth0 triggers that deliver phone messages. */
export type PhoneTrigger = "send-phone-message" | "custom-phone-provider";

/** The Auth0 triggers the runner can call: the phone ones and the custom email provider. */
export type ActionTrigger = PhoneTrigger | "custom-email-provider";

/** The exported handler each trigger calls. */
export const HANDLER_NAMES: Record<ActionTrigger, string> = {
  "send-phone-message": "onExecuteSendPhoneMessage",
  "custom-phone-provider": "onExecuteCustomPhoneProvider",
  "custom-email-provider": "onExecuteCustomEmailProvider",
};

/** The outbox channels each trigger delivers: a phone trigger SMS and voice, the email one email. */
export function channelsOf(trigger: ActionTrigger): readonly OutboxMessage["message_type"][] {
  return trigger === "custom-email-provider" ? ["email"] : ["sms", "voice"];
}

/** An Action handler: `(event, api) => Promise<void>`, as Auth0 calls it. */
export type ActionHandler = (event: Record<string, unknown>, api: Record<string, unknown>) => unknown;

/** What Auth0 knows about the transaction besides the message (filled from the mock's configuration). */
export interface EventContext {
  /** Action secrets, e.g. SINK_URL and SINK_SECRET. */
  secrets: Record<string, string>;
  /** The tenant's name (`event.tenant.id`); the mock's domain's first label. */
  tenantId: string;
  /** The application that started the login (`event.client`). */
  clientId: string;
  /** The tenant's hostname (`event.request.hostname`). */
  hostname: string;
}

/** The send-phone-message `event`: the message under `message_options`, with its context. */
export function sendPhoneMessageEvent(m: OutboxMessage, ctx: EventContext): Record<string, unknown> {
  return {
    ...commonEvent(ctx),
    message_options: {
      action: m.action,
      code: m.code,
      message_type: m.message_type,
      recipient: m.recipient,
      text: m.text,
    },
  };
}

/**
 * The custom-phone-provider `event`: the unified experience names the purpose (`otp_enroll`,
 * `otp_verify`) and the channel (`text`, `voice`) and renders the message both ways.
 */
export function customPhoneProviderEvent(m: OutboxMessage, ctx: EventContext): Record<string, unknown> {
  return {
    ...commonEvent(ctx),
    notification: {
      message_type: m.action === "enrollment" ? "otp_enroll" : "otp_verify",
      delivery_method: m.message_type === "voice" ? "voice" : "text",
      code: m.code,
      recipient: m.recipient,
      as_text: m.text,
      as_voice: m.text,
      locale: "en_US",
      // The mock sends from no number; an Action that reads `from` gets Auth0's shape, not a value.
      from: "",
    },
  };
}

/**
 * The custom-email-provider `event`: the rendered email under `notification`, with no code field
 * (Auth0's event has none: the Action finds the code in `text` or `html`) and no word on whether it
 * enrolls or verifies (one template, `mfa_oob_code`, serves both).
 */
export function customEmailProviderEvent(m: OutboxMessage, ctx: EventContext): Record<string, unknown> {
  return {
    ...commonEvent(ctx),
    notification: {
      message_type: "mfa_oob_code",
      to: m.recipient,
      // The mock sends from no address; an Action that reads `from` gets Auth0's shape, not a value.
      from: "",
      subject: "Verification code",
      text: m.text,
      html: `<p>${m.text}</p>`,
      locale: "en",
    },
  };
}

function commonEvent(ctx: EventContext): Record<string, unknown> {
  return {
    secrets: { ...ctx.secrets },
    tenant: { id: ctx.tenantId },
    client: { client_id: ctx.clientId, name: "auth0-mfa-mock client", metadata: {} },
    request: { ip: "127.0.0.1", method: "POST", hostname: ctx.hostname, geoip: {} },
    // The outbox does not say whose phone or address it is: `event.user` is present, as on Auth0, but empty.
    user: {},
  };
}

/** The event a trigger's handler receives for one outbox message. */
export function eventFor(
  trigger: ActionTrigger,
  m: OutboxMessage,
  ctx: EventContext,
): Record<string, unknown> {
  if (trigger === "custom-email-provider") return customEmailProviderEvent(m, ctx);
  return trigger === "send-phone-message" ? sendPhoneMessageEvent(m, ctx) : customPhoneProviderEvent(m, ctx);
}

/**
 * A small `api` like the triggers' (`api.cache` exists on all three; the email trigger's
 * `api.notification.drop/retry` is recorded and ignored: the runner does not resend), kept per runner.
 */
export function fakeApi(): Record<string, unknown> {
  const cache = new Map<string, string>();
  return {
    cache: {
      get: (key: string) => (cache.has(key) ? { value: cache.get(key) } : undefined),
      set: (key: string, value: string) => {
        cache.set(key, String(value));
        return { type: "success" };
      },
      delete: (key: string) => {
        cache.delete(key);
        return { type: "success" };
      },
    },
    notification: { drop: () => undefined, retry: () => undefined },
  };
}

/** Loads an Action file (CommonJS, as Auth0 runs it) and returns the trigger's handler; the error names what is missing. */
export function loadActionHandler(file: string, trigger: ActionTrigger): ActionHandler {
  const require = createRequire(path.resolve(file));
  const mod = require(path.resolve(file)) as Record<string, unknown>;
  const name = HANDLER_NAMES[trigger];
  const handler = mod[name];
  if (typeof handler !== "function") {
    throw new Error(`${file} does not export ${name} (the ${trigger} trigger's handler)`);
  }
  return handler as ActionHandler;
}

/** One Action the runner calls: its trigger says which messages it gets (see channelsOf). */
export interface RunnerAction {
  trigger: ActionTrigger;
  handler: ActionHandler;
}

export interface ActionRunnerOptions {
  /** Base URL of the mock (its control API must be on). */
  mockURL: string;
  /** At most one Action per channel, e.g. a phone-message Action and the custom email provider one. */
  actions: RunnerAction[];
  /** Action secrets (never logged). */
  secrets: Record<string, string>;
  /** How often the outbox is read (default 50 ms). */
  pollMs?: number;
  /** Called after each message the Action handled, or threw on (the error names the message, masked). */
  onDelivered?: (m: OutboxMessage) => void;
  onFailed?: (m: OutboxMessage, error: string) => void;
  /** Called when the outbox cannot be read (once per distinct error until a read succeeds). */
  onError?: (error: string) => void;
  /** Reads the outbox with this `fetch` instead of node:http (a test plays a mock that went away). */
  fetch?: typeof fetch;
}

/** A running bridge. */
export interface ActionRunner {
  /** Messages the Action handled without throwing, and those it threw on. */
  readonly delivered: number;
  readonly failed: number;
  /** Messages on a channel no Action takes (e.g. emails with only a phone-message Action). */
  readonly skipped: number;
  /** Reads the outbox once more and waits for every delivery in flight; for tests and a clean stop. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the bridge: messages the mock sends from now on are handed to the Action, each once, in
 * order; messages already in the outbox are left alone (they were "sent" before the Action existed).
 */
export async function startActionRunner(opts: ActionRunnerOptions): Promise<ActionRunner> {
  const byChannel = new Map<OutboxMessage["message_type"], RunnerAction>();
  for (const action of opts.actions) {
    for (const channel of channelsOf(action.trigger)) {
      const taken = byChannel.get(channel);
      if (taken) {
        throw new Error(`${channel} messages would go to two Actions (${taken.trigger}, ${action.trigger})`);
      }
      byChannel.set(channel, action);
    }
  }
  // The control client app teams use; a refusal names the call without its query.
  const control = mockControl(opts.mockURL, opts.fetch ? { fetch: opts.fetch } : {});
  const config = await control.config.get();
  const ctx: EventContext = {
    secrets: opts.secrets,
    tenantId: config.domain.split(".")[0] ?? config.domain,
    clientId: config.client_id,
    hostname: config.domain,
  };
  const api = fakeApi();
  // The cursor: the newest message seen. Message ids carry a sequence, so `after=<id>` survives eviction.
  let cursor = (await control.outbox.latest())?.id;
  let delivered = 0;
  let failed = 0;
  let skipped = 0;

  const deliver = async (m: OutboxMessage, action: RunnerAction) => {
    try {
      // Auth0 waits for the Action; so does the runner (one message at a time keeps them in order).
      await action.handler(eventFor(action.trigger, m, ctx), api);
      delivered++;
      opts.onDelivered?.(m);
    } catch (e) {
      failed++;
      const reason = e instanceof Error ? e.message : String(e);
      // The reason may quote the message: the code and the recipient never leave unmasked.
      const masked = reason.replaceAll(m.code, "******").replaceAll(m.recipient, maskRecipient(m.recipient));
      opts.onFailed?.(m, `${m.id} to ${maskRecipient(m.recipient)}: ${masked}`);
    }
  };

  const poll = async () => {
    const fresh = await control.outbox.list(cursor ? { after: cursor } : {});
    for (const m of fresh) {
      cursor = m.id;
      // Emails share the outbox (docs/behaviour.md#email) but go to the email Action, never a phone one.
      const action = byChannel.get(m.message_type);
      if (action) await deliver(m, action);
      else skipped++;
    }
  };

  // One poll at a time: a slow Action delays the next read instead of overlapping it.
  let inFlight: Promise<void> | undefined;
  let lastError = "";
  const tick = (): Promise<void> => {
    inFlight ??= poll()
      .then(
        () => {
          lastError = "";
        },
        (e: unknown) => {
          // The mock restarting or stopping is not fatal; say so once per distinct error.
          const message = e instanceof Error ? e.message : String(e);
          if (message !== lastError) opts.onError?.(message);
          lastError = message;
        },
      )
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  const timer = setInterval(() => void tick(), opts.pollMs ?? 50);

  return {
    get delivered() {
      return delivered;
    },
    get failed() {
      return failed;
    },
    get skipped() {
      return skipped;
    },
    async flush() {
      await inFlight;
      await tick();
    },
    async stop() {
      clearInterval(timer);
      await inFlight;
    },
  };
}
