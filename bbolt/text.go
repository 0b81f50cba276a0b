package bbolt

import (
	"fmt"

	bolt "go.etcd.io/bbolt"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// fillTexts gives the sources of a file written before sources carried
// their text the text of the seed's source with the same id and file, and
// saves it: quotes of new writes are checked against it, so without it no
// write could cite a curated source. A source whose file name differs from
// the seed's is left alone (its text is not known to be that article's);
// putSource may set it.
func (s *Store) fillTexts(ds *cg.Dataset, seed *cg.Dataset) error {
	if seed == nil {
		return nil
	}
	bySeed := map[string]*cg.Source{}
	for _, src := range seed.Sources {
		if src != nil && src.Text != "" {
			bySeed[src.ID] = src
		}
	}
	var filled []*cg.Source
	for i, src := range ds.Sources {
		if want, ok := bySeed[src.ID]; ok && src.Text == "" && src.File == want.File {
			c := *src
			c.Text = want.Text
			ds.Sources[i] = &c
			filled = append(filled, &c)
		}
	}
	if len(filled) == 0 {
		return nil
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, src := range filled {
			if err := put(tx, bucketSources, []byte(src.ID), src); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("saving the text of %d sources: %w", len(filled), err)
	}
	return nil
}
