/** Flow: enroll by voice, as Auth0's guide does it. */
import { enrollFlow } from "./by-channel.ts";

enrollFlow("voice");
