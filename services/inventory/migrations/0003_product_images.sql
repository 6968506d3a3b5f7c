-- A product's images (services/image-processing): recorded when product.image-ready arrives. The
-- image id comes from the image's bytes, so the same image delivered twice is one row.
CREATE TABLE inventory_domain.product_images (
  sku text NOT NULL REFERENCES inventory_domain.products (sku),
  image_id text NOT NULL,
  bucket text NOT NULL,
  original_key text NOT NULL,
  content_type text NOT NULL,
  width integer NOT NULL CHECK (width > 0),
  height integer NOT NULL CHECK (height > 0),
  thumbnails jsonb NOT NULL,
  ready_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sku, image_id)
);
