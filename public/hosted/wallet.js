// Apple Pay and Google Pay on the hosted checkout page, with the browser's own APIs (no third-party
// script: the page's CSP allows this origin only). A button shows only when the device can pay with
// it: ApplePaySession.canMakePayments(), or the Payment Request API's canMakePayment() for Google
// Pay. The wallet session, Apple's merchant validation and the token all go to this origin.
(() => {
  const box = document.getElementById("wallet-buttons");
  if (!box) return;
  const form = document.querySelector("form.pay");
  const endpoint = box.dataset.endpoint;
  const errorBox = document.getElementById("wallet-error");
  const GOOGLE_PAY = "https://google.com/pay";
  // The device checks; once all have answered, data-ready says so (the buttons' state is final).
  const probes = [];

  // What the customer chose on the form (quantities, amount, email), never card fields.
  const choices = () => {
    const values = {};
    if (!form) return values;
    for (const [name, value] of new FormData(form)) {
      if (/^quantity_\d+$/.test(name) || name === "amount" || name === "email") values[name] = value;
    }
    return values;
  };
  const post = async (path, body) => {
    const response = await fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    return { ok: response.ok, body: answer };
  };
  const showError = (body) => {
    errorBox.textContent = body?.error?.message ?? "";
    errorBox.hidden = !errorBox.textContent;
  };
  const reveal = (button) => {
    button.hidden = false;
    box.hidden = false;
  };
  const finish = (done) => {
    if (done.ok && done.body.redirect) window.location.assign(done.body.redirect);
    else showError(done.body);
  };

  const google = box.querySelector('[data-wallet="google_pay"]');
  if (google && typeof window.PaymentRequest === "function") {
    const methodsFor = (sheet) => [{ supportedMethods: GOOGLE_PAY, data: sheet }];
    const totalOf = (currency, value) => ({ total: { label: "Total", amount: { currency, value } } });
    const probe = {
      apiVersion: 2,
      apiVersionMinor: 0,
      allowedPaymentMethods: [{ type: "CARD", parameters: { allowedAuthMethods: ["CRYPTOGRAM_3DS"] } }],
    };
    try {
      probes.push(
        new PaymentRequest(methodsFor(probe), totalOf(box.dataset.currency, "0.00"))
          .canMakePayment()
          .then((can) => can && reveal(google))
          .catch(() => {}),
      );
    } catch {
      // This browser has no Google Pay payment method.
    }
    google.addEventListener("click", async () => {
      showError(null);
      const opened = await post(endpoint, { wallet: "google_pay", ...choices() });
      if (!opened.ok) return showError(opened.body);
      const pay = opened.body.google_pay;
      const sheet = { ...pay.payment_data_request, environment: pay.environment };
      const info = sheet.transactionInfo;
      const request = new PaymentRequest(methodsFor(sheet), totalOf(info.currencyCode, info.totalPrice));
      let response;
      try {
        response = await request.show();
      } catch {
        return; // The customer closed the sheet.
      }
      const token = response.details?.paymentMethodData?.tokenizationData?.token;
      const done = await post(`${endpoint}/${opened.body.id}/complete`, { token, ...choices() });
      await response.complete(done.ok ? "success" : "fail");
      finish(done);
    });
  }

  const apple = box.querySelector('[data-wallet="apple_pay"]');
  const ApplePay = window.ApplePaySession;
  if (apple && ApplePay?.canMakePayments()) {
    reveal(apple);
    apple.addEventListener("click", async () => {
      showError(null);
      // Apple's sheet must open in the click itself; the wallet session (with the amount the
      // server computes) is made before, and its request is what the sheet shows.
      const opened = await post(endpoint, { wallet: "apple_pay", ...choices() });
      if (!opened.ok) return showError(opened.body);
      const session = new ApplePay(3, opened.body.apple_pay.payment_request);
      const base = `${endpoint}/${opened.body.id}`;
      session.onvalidatemerchant = async (event) => {
        const validated = await post(`${base}/apple-pay/validate`, { validation_url: event.validationURL });
        if (validated.ok) session.completeMerchantValidation(validated.body);
        else {
          session.abort();
          showError(validated.body);
        }
      };
      session.onpaymentauthorized = async (event) => {
        const done = await post(`${base}/complete`, {
          token: JSON.stringify(event.payment.token),
          ...choices(),
        });
        session.completePayment(done.ok ? ApplePay.STATUS_SUCCESS : ApplePay.STATUS_FAILURE);
        finish(done);
      };
      session.begin();
    });
  }
  Promise.all(probes).then(() => {
    box.dataset.ready = "true";
  });
})();
