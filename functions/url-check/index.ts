import { urlCheck } from "../../contract/checks/url";
import { defineHandler } from "../shared/handler";
import { checkEventParser } from "../shared/input";
import { runUrlCheck } from "./check";
import { createNodeHttpGet } from "./transport";

const get = createNodeHttpGet();

const parse = checkEventParser(urlCheck);

/** Lambda entry of the URL check (DESIGN §3). */
export const handler = defineHandler({
  name: urlCheck.functionName,
  parse,
  run: (input) => runUrlCheck(input.settings, { get }),
});
