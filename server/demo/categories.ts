/**
 * The demo shop's departments: what they sell, at what prices, which ones are re-bought
 * (consumables) and which ones complete a purchase in another (a phone then a case).
 */

/** A thumbnail glyph (see thumbnail.ts). */
export type Glyph = 'phone' | 'case' | 'cable' | 'laptop' | 'bag' | 'keyboard' | 'headphones' | 'camera' | 'card'
  | 'machine' | 'bean' | 'printer' | 'ink' | 'shoe' | 'sock' | 'tent' | 'sleeping-bag' | 'bottle' | 'bowl' | 'dice';

export interface CategorySpec {
  name: string;
  /** Title nouns; one is picked per product. */
  nouns: readonly string[];
  /** Brand pool; complementary departments share their parent's pool so "same brand" is meaningful. */
  brands: readonly string[];
  /** Typical price range in euros (log-uniform between the two). */
  price: readonly [number, number];
  consumable: boolean;
  /** Departments whose products complete a purchase here, most likely first. */
  complements: readonly string[];
  /** How many shoppers care for this department (relative). */
  appeal: number;
  hue: number;
  glyph: Glyph;
}

const techBrands = ['Nordia', 'Pixelon', 'Sunwave', 'Kairo', 'Vantix'] as const;
const computerBrands = ['Lumen', 'Corvid', 'Aster', 'Quillon'] as const;
const cameraBrands = ['Optika', 'Fennex', 'Halden'] as const;
const coffeeBrands = ['Brewmont', 'Caffora', 'Roastery 9'] as const;
const printBrands = ['Inkwell', 'Printa', 'Sharpline'] as const;
const runBrands = ['Stride', 'Vela', 'Kinetic'] as const;
const campBrands = ['Trailhead', 'Northpeak', 'Ember & Pine'] as const;

export const CATEGORIES: readonly CategorySpec[] = [
  { name: 'Smartphones', nouns: ['Phone', 'Smartphone', 'Phone Lite', 'Phone Pro'], brands: techBrands, price: [199, 1199], consumable: false, complements: ['Phone Cases', 'Chargers & Cables', 'Headphones'], appeal: 1.4, hue: 210, glyph: 'phone' },
  { name: 'Phone Cases', nouns: ['Case', 'Bumper', 'Folio Case', 'Clear Case'], brands: techBrands, price: [9, 49], consumable: false, complements: [], appeal: 0.5, hue: 195, glyph: 'case' },
  { name: 'Chargers & Cables', nouns: ['USB-C Cable', 'Wall Charger', 'Wireless Pad', 'Power Bank'], brands: techBrands, price: [7, 79], consumable: false, complements: [], appeal: 0.5, hue: 180, glyph: 'cable' },
  { name: 'Laptops', nouns: ['Laptop', 'Ultrabook', 'Notebook', 'Chromebook'], brands: computerBrands, price: [349, 2499], consumable: false, complements: ['Laptop Bags', 'Keyboards & Mice'], appeal: 1.1, hue: 230, glyph: 'laptop' },
  { name: 'Laptop Bags', nouns: ['Sleeve', 'Backpack', 'Messenger Bag', 'Briefcase'], brands: computerBrands, price: [19, 149], consumable: false, complements: [], appeal: 0.4, hue: 250, glyph: 'bag' },
  { name: 'Keyboards & Mice', nouns: ['Keyboard', 'Mouse', 'Trackpad', 'Combo Set'], brands: computerBrands, price: [15, 179], consumable: false, complements: [], appeal: 0.7, hue: 265, glyph: 'keyboard' },
  { name: 'Headphones', nouns: ['Earbuds', 'Headphones', 'Headset', 'Neckband'], brands: techBrands, price: [19, 399], consumable: false, complements: [], appeal: 1.0, hue: 280, glyph: 'headphones' },
  { name: 'Cameras', nouns: ['Camera', 'Mirrorless Camera', 'Action Cam', 'Compact Camera'], brands: cameraBrands, price: [149, 1899], consumable: false, complements: ['Memory Cards'], appeal: 0.7, hue: 300, glyph: 'camera' },
  { name: 'Memory Cards', nouns: ['SD Card', 'microSD Card', 'CFexpress Card'], brands: cameraBrands, price: [8, 119], consumable: false, complements: [], appeal: 0.3, hue: 320, glyph: 'card' },
  { name: 'Coffee Machines', nouns: ['Espresso Machine', 'Drip Brewer', 'Grinder', 'Moka Maker'], brands: coffeeBrands, price: [39, 899], consumable: false, complements: ['Coffee Beans'], appeal: 0.8, hue: 25, glyph: 'machine' },
  { name: 'Coffee Beans', nouns: ['Espresso Beans', 'House Blend', 'Single Origin', 'Decaf Roast'], brands: coffeeBrands, price: [6, 29], consumable: true, complements: [], appeal: 1.0, hue: 15, glyph: 'bean' },
  { name: 'Printers', nouns: ['Inkjet Printer', 'Laser Printer', 'Photo Printer', 'All-in-One'], brands: printBrands, price: [59, 599], consumable: false, complements: ['Ink & Toner'], appeal: 0.5, hue: 0, glyph: 'printer' },
  { name: 'Ink & Toner', nouns: ['Ink Cartridge', 'Toner', 'Ink Multipack', 'Photo Ink'], brands: printBrands, price: [12, 89], consumable: true, complements: [], appeal: 0.5, hue: 350, glyph: 'ink' },
  { name: 'Running Shoes', nouns: ['Road Runner', 'Trail Shoe', 'Racer', 'Trainer'], brands: runBrands, price: [49, 229], consumable: false, complements: ['Sports Socks'], appeal: 1.0, hue: 120, glyph: 'shoe' },
  { name: 'Sports Socks', nouns: ['Running Socks', 'Ankle Socks', 'Compression Socks'], brands: runBrands, price: [5, 25], consumable: true, complements: [], appeal: 0.4, hue: 100, glyph: 'sock' },
  { name: 'Tents', nouns: ['Tent', 'Dome Tent', 'Backpacking Tent', 'Family Tent'], brands: campBrands, price: [59, 899], consumable: false, complements: ['Sleeping Bags'], appeal: 0.6, hue: 80, glyph: 'tent' },
  { name: 'Sleeping Bags', nouns: ['Sleeping Bag', 'Down Bag', 'Quilt', 'Liner'], brands: campBrands, price: [29, 449], consumable: false, complements: [], appeal: 0.4, hue: 60, glyph: 'sleeping-bag' },
  { name: 'Skincare', nouns: ['Moisturiser', 'Cleanser', 'Sunscreen', 'Serum'], brands: ['Verdant', 'Aurel', 'Pure Theory', 'Mosslane'], price: [6, 69], consumable: true, complements: [], appeal: 1.0, hue: 340, glyph: 'bottle' },
  { name: 'Pet Food', nouns: ['Dry Dog Food', 'Cat Food', 'Puppy Food', 'Treats'], brands: ['Happy Paws', 'Wildtail', 'Barkley'], price: [4, 79], consumable: true, complements: [], appeal: 0.8, hue: 40, glyph: 'bowl' },
  { name: 'Board Games', nouns: ['Strategy Game', 'Party Game', 'Co-op Game', 'Card Game'], brands: ['Meeple Works', 'Tabletop Co', 'Rollhouse'], price: [12, 89], consumable: false, complements: [], appeal: 0.7, hue: 160, glyph: 'dice' },
];

export function categoryByName(name: string): CategorySpec {
  const found = CATEGORIES.find((category) => category.name === name);
  if (!found) throw new Error(`unknown demo category "${name}"`);
  return found;
}
