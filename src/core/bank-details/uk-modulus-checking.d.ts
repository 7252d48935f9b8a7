declare module "uk-modulus-checking" {
  export default class UkModulusChecking {
    constructor(details: { accountNumber: string; sortCode: string });
    isValid(): boolean;
  }
}
