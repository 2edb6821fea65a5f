/** Flow: log in with voice as the second factor, as Auth0's guide does it. */
import { challengeFlow } from "./by-channel.ts";

challengeFlow("voice");
