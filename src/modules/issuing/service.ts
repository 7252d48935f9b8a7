/** What other modules and the background functions use of issuing. */
export { decideAbandonedAuthorizations } from "./abandoned";
