// The hosted checkout page's behaviour: show the chosen method's fields, keep the total in step
// with the quantities, and send the form once. The page works without it (the server decides).
(() => {
  const form = document.querySelector("form.pay");
  if (!form) return;
  const groups = form.querySelectorAll("fieldset[data-method]");
  const selected = () => {
    const checked = form.querySelector('input[name="method"]:checked');
    return checked ? checked.value : form.querySelector('input[name="method"]').value;
  };
  const showMethod = () => {
    const method = selected();
    for (const group of groups) {
      const active = group.dataset.method === method;
      group.hidden = !active;
      group.disabled = !active;
    }
  };
  for (const radio of form.querySelectorAll('input[name="method"]'))
    radio.addEventListener("change", showMethod);
  showMethod();

  const button = form.querySelector('button[type="submit"]:not([formaction])');
  const exponent = Number(form.dataset.exponent);
  const format = (minor) => {
    const digits = minor.toString().padStart(exponent + 1, "0");
    const decimal = exponent > 0 ? `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}` : digits;
    return new Intl.NumberFormat(form.dataset.locale, {
      style: "currency",
      currency: form.dataset.currency,
    }).format(decimal);
  };
  const minorOf = (text) => {
    const match = /^(\d+)(?:[.,](\d*))?$/.exec(text.trim());
    if (!match || (match[2] || "").length > exponent) return null;
    return BigInt(match[1] + (match[2] || "").padEnd(exponent, "0"));
  };
  // An applied promotion code: a percentage (half up, as the server rounds) or a fixed amount off
  // the lines it covers.
  const discountOf = (covered) => {
    if (form.dataset.percentOffBp) return (covered * BigInt(form.dataset.percentOffBp) + 5000n) / 10000n;
    if (form.dataset.amountOff) {
      const off = BigInt(form.dataset.amountOff);
      return off < covered ? off : covered;
    }
    return 0n;
  };
  const updateTotal = () => {
    let total = BigInt(form.dataset.fixedAmount);
    let covered = BigInt(form.dataset.fixedDiscounted ?? "0");
    for (const input of form.querySelectorAll("input[data-unit-amount]")) {
      if (!/^\d+$/.test(input.value)) continue;
      const amount = BigInt(input.value) * BigInt(input.dataset.unitAmount);
      total += amount;
      if (input.dataset.discounted === "true") covered += amount;
    }
    const custom = form.querySelector("input[data-custom-amount]");
    if (custom) {
      const amount = minorOf(custom.value) ?? 0n;
      total += amount;
      if (custom.dataset.discounted === "true") covered += amount;
    }
    button.textContent = button.dataset.label.replace("{amount}", format(total - discountOf(covered)));
  };
  form.addEventListener("input", updateTotal);

  // A second click while the first is on its way would only show "processing": the server keeps
  // one payment per session either way.
  form.addEventListener("submit", (event) => {
    // Apply / Remove of the promotion code post the form elsewhere and don't pay.
    if (event.submitter?.hasAttribute("formaction")) return;
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "true";
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
  });
})();
