/*
 * The store's catalogue: three categories, six products, each with its picture (a name in
 * PICTURES) and what the picture shows, for its alt text on the product page.
 */

var CATEGORIES = [
  { id: 11, name: "Coffee" },
  { id: 12, name: "Tea" },
  { id: 13, name: "Mugs" }
];
var PRODUCTS = [
  { id: 101, categoryId: 11, name: "House Blend, 250 g", price: 9.5,
    description: "Chocolate and hazelnut, roasted medium.",
    picture: "house-blend", shows: "A kraft paper bag of coffee with a bean on its label" },
  { id: 102, categoryId: 11, name: "Ethiopia Yirgacheffe, 250 g", price: 12.9,
    description: "Bright, floral, with a lemon finish.",
    picture: "yirgacheffe", shows: "A teal bag of coffee with a flower on its label" },
  { id: 103, categoryId: 12, name: "Darjeeling First Flush, 100 g", price: 8.75,
    description: "Light and muscatel, from the spring picking.",
    picture: "darjeeling", shows: "A red tea tin with a leaf on its label" },
  { id: 104, categoryId: 12, name: "Sencha, 100 g", price: 7.2,
    description: "Grassy Japanese green tea.",
    picture: "sencha", shows: "A green tea tin with a leaf on its label" },
  { id: 105, categoryId: 13, name: "Stoneware Mug", price: 14,
    description: "Holds 350 ml; dishwasher safe.",
    picture: "stoneware-mug", shows: "A speckled stoneware mug, steaming" },
  { id: 106, categoryId: 13, name: "Travel Mug", price: 19.9,
    description: "Keeps coffee hot for four hours.",
    picture: "travel-mug", shows: "A blue travel mug with a lid" }
];

function findBy(list, key, value) {
  return list.filter(function (item) {
    return item[key] === value;
  })[0];
}

function money(amount) {
  return "$" + amount.toFixed(2);
}
