function orderTotal(message, context, data, options, config) {
  var sum = 0;
  for (var i = 0; i < context.cart.length; i++) {
    sum += context.cart[i].price;
  }
  return { type: 'text', content: options.prefix + ' ' + sum };
}

module.exports = orderTotal;
