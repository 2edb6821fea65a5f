/** `npm run mutation`: the contract suites once per named deviation of the mock (contracts/mutation.ts). */
import "../contracts/mutation.ts";
