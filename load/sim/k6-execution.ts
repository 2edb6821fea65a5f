/** Simulated `k6/execution`: the scenario and VU of the iteration the runner is in. */
import { sim } from "./state.ts";

export default {
  get scenario() {
    const e = sim().exec;
    return { iterationInTest: e.iterationInTest, startTime: e.startTime, name: e.scenario ?? "" };
  },
  get vu() {
    return { idInTest: sim().exec.vuIdInTest };
  },
};
