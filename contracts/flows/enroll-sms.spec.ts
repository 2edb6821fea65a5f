/** Flow: enroll by sms, as Auth0's guide does it. */
import { enrollFlow } from "./by-channel.ts";

enrollFlow("sms");
