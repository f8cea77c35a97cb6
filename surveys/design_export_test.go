package surveys

// EditDesign lets the tests outside the package run a write inside
// editDesign, to see how it answers what a unique index refuses.
var EditDesign = (*Store).editDesign
