/*
 * No image of a new store: sql/mkstoreimage links this, being the program
 * that makes the image, so its store is built by the migrations.
 */
#include "config.h"

#include "lib/mr_store_image.h"

const unsigned char mr_store_image[1];
const size_t mr_store_image_len = 0;
const struct mr_store_image_patch mr_store_image_patches[1];
const size_t mr_store_image_npatches = 0;
