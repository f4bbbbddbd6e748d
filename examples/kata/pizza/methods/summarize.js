// The order line shown before confirming, e.g. "2 large Hawaiian".
function summarize(ctx) {
  var c = ctx.context;
  c.summary = c.quantity + ' ' + c.size + ' ' + c.pizzaType;
  return ctx;
}

module.exports = summarize;
