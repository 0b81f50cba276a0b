package bbolt

import (
	"fmt"

	bolt "go.etcd.io/bbolt"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// fillTexts gives the sources of a file written before sources carried
// their text the text of the seed's source with the same id and file, saves
// it and reads the file again: quotes of new writes are checked against
// the text, so without it no write could cite a curated source. A source
// whose file name differs from the seed's is left alone (its text is not
// known to be that article's); putSource may set it.
func (s *Store) fillTexts(seed *cg.Dataset) error {
	if seed == nil {
		return nil
	}
	bySeed := map[string]*cg.Source{}
	for _, src := range seed.Sources {
		if src != nil && src.Text != "" {
			bySeed[src.ID] = src
		}
	}
	filled := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		var fill []*cg.Source
		err := each(tx, bucketSources, func(src *cg.Source) {
			if want, ok := bySeed[src.ID]; ok && src.Text == "" && src.File == want.File {
				src.Text = want.Text
				fill = append(fill, src)
			}
		})
		if err != nil {
			return err
		}
		for _, src := range fill {
			if err := put(tx, bucketSources, []byte(src.ID), src); err != nil {
				return err
			}
		}
		filled = len(fill)
		return nil
	})
	if err != nil {
		return fmt.Errorf("saving the text of sources: %w", err)
	}
	if filled == 0 {
		return nil
	}
	if err := s.read(); err != nil {
		return fmt.Errorf("reading after saving the text of %d sources: %w", filled, err)
	}
	return nil
}
