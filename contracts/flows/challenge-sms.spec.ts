/** Flow: log in with sms as the second factor, as Auth0's guide does it. */
import { challengeFlow } from "./by-channel.ts";

challengeFlow("sms");
